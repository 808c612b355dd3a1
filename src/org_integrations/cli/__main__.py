"""``python -m org_integrations.cli``: the same as the ``org-integrations`` command."""

import sys

from org_integrations.cli import main

sys.exit(main())
