"""One throwaway cluster for the platform-fidelity tests, with every platform variant in it.

Roles are cluster-wide, so the platform's roles are installed once; each
variant (default-privilege mode, service_role's Vault grants) gets a database
of its own with the rest of the layer, and each mutant a clone of one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import psycopg
import pytest
from catalog_facts import REFERENCE_MAJOR, VARIANTS

from harness import postgres
from harness.cluster import Cluster, install_platform, start_cluster

_clones = itertools.count()


@pytest.fixture(scope="session")
def fidelity_cluster() -> Iterator[Cluster]:
    major = postgres.selected_major()
    if major != REFERENCE_MAJOR:
        pytest.skip(
            f"the reference catalog is PostgreSQL {REFERENCE_MAJOR}'s; the platform is compared with it in the "
            f"PostgreSQL {REFERENCE_MAJOR} run (this one runs {major})"
        )
    with start_cluster(major=REFERENCE_MAJOR) as cluster:
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            for name in VARIANTS:
                conn.execute(f"create database fidelity_{name}")
        for name, (mode, vault) in VARIANTS.items():
            install_platform(cluster, mode, service_role_vault=vault == "granted", dbname=f"fidelity_{name}")
        yield cluster


@pytest.fixture
def variant_clone(fidelity_cluster: Cluster) -> Callable[[str], str]:
    """Factory: a fresh copy of a variant's database (for mutants); returns its name."""

    def clone(variant: str) -> str:
        name = f"fidelity_mutant_{next(_clones)}"
        with psycopg.connect(fidelity_cluster.admin_url, autocommit=True) as conn:
            conn.execute(f"create database {name} template fidelity_{variant}")
        return name

    return clone
