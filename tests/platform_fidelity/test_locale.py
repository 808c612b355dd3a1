"""The embedded cluster runs in Supabase's locale, or refuses to start: no silent fallback."""

from __future__ import annotations

import pytest

from harness import cluster as cluster_module
from harness.cluster import HarnessError, start_cluster


def test_without_the_locale_the_cluster_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "_locale_names", lambda: {"c", "c.utf8", "posix"})
    with pytest.raises(HarnessError, match=r"en_US\.UTF-8 locale is not installed.*locale-gen"):
        start_cluster()


def test_the_locale_is_found_under_its_normalised_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "_locale_names", lambda: {"c", "en_us.utf8"})
    cluster_module.require_locale()
