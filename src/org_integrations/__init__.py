"""Python side of the organization-integrations database layer.

The supported surface is what ``__all__`` lists: the repository that workers
and admin tools use, who it acts as, what it returns and raises, and the
config document models. Submodules not listed here (``cli``, and anything
starting with an underscore) are implementation details; the operator
commands are used through the ``org-integrations`` console script.
"""

from org_integrations.config_models import (
    DEFAULT_FIELD_MAPPINGS,
    DEFAULT_SYNC_SCHEDULE,
    IANA_TIMEZONES,
    FieldMapping,
    FieldMappings,
    SyncSchedule,
    is_valid,
    parse,
    problems,
)
from org_integrations.errors import (
    CredentialMissing,
    InvalidConfig,
    InvalidSecret,
    NotFound,
    PermissionDenied,
    RepositoryError,
)
from org_integrations.identity import Identity
from org_integrations.models import Integration, IntegrationStatus
from org_integrations.repository import UNSET, OrganizationIntegrationRepository, create_pool
from org_integrations.secrets import Secret

__all__ = [
    "DEFAULT_FIELD_MAPPINGS",
    "DEFAULT_SYNC_SCHEDULE",
    "IANA_TIMEZONES",
    "UNSET",
    "CredentialMissing",
    "FieldMapping",
    "FieldMappings",
    "Identity",
    "Integration",
    "IntegrationStatus",
    "InvalidConfig",
    "InvalidSecret",
    "NotFound",
    "OrganizationIntegrationRepository",
    "PermissionDenied",
    "RepositoryError",
    "Secret",
    "SyncSchedule",
    "create_pool",
    "is_valid",
    "parse",
    "problems",
]
