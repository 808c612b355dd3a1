"""The platform layer against the catalog of a real Supabase Postgres 15 database.

Every difference between platform/reference/supabase-pg15-catalog.json and what
the embedded platform layer builds must be listed, with its reason, in
platform/reference/allowed_differences.toml; a difference not listed fails, and
so does a listed one that no longer occurs. The mutant tests prove the
comparison notices a broken layer.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest
from catalog_facts import (
    VARIANTS,
    Difference,
    as_tree,
    compare,
    judge,
    load_allowlist,
    load_reference,
    read_facts,
)

from harness.cluster import SUPERUSER, Cluster


def _differences(cluster: Cluster, dbname: str) -> list[Difference]:
    reference = load_reference()
    platform = read_facts(cluster.url(dbname=dbname), list(reference["settings"]))
    return compare(as_tree(reference), as_tree(platform))


def _variant(name: str) -> dict[str, str]:
    mode, vault = VARIANTS[name]
    return {"default_privileges": mode, "service_role_vault": vault}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_platform_differs_from_supabase_only_as_allowed(fidelity_cluster: Cluster, variant: str) -> None:
    verdict = judge(_differences(fidelity_cluster, f"fidelity_{variant}"), load_allowlist(), _variant(variant))
    problems = [f"not allowed: {d}" for d in verdict.unexplained]
    problems += [f"allowed but not found (stale entry): {path}" for path in verdict.unused]
    assert not problems, "\n".join(problems)


def test_the_comparison_sees_the_locale_and_the_vault_collation(fidelity_cluster: Cluster) -> None:
    """A check on the checker: the facts that broke real Supabase are read, and match."""
    facts = as_tree(read_facts(fidelity_cluster.url(dbname="fidelity_legacy"), []))
    assert facts["database"] == {
        "major_version": 15,
        "encoding": "UTF8",
        "lc_collate": "en_US.UTF-8",
        "lc_ctype": "en_US.UTF-8",
    }
    assert facts["relation"]["vault.decrypted_secrets"]["column"]["decrypted_secret"]["collation"] == "C"
    assert facts["role"]["anon"]["setting"] == {"statement_timeout": "3s"}
    assert facts["role"]["authenticated"]["setting"] == {"statement_timeout": "8s"}


_REGRANT_VIEW = """
revoke all on table vault.decrypted_secrets from public;
grant select, delete, truncate, references on table vault.decrypted_secrets to postgres with grant option;
"""

MUTANTS = {
    # The platform as it was before this test: decrypted_secret in the database's collation.
    "decrypted_secret_loses_collation_c": (
        """
        drop view vault.decrypted_secrets;
        create view vault.decrypted_secrets as
        select s.id, s.name, s.description, s.secret,
            pg_catalog.convert_from(vault._decrypt(s.secret, s.nonce), 'utf8') collate pg_catalog."default"
                as decrypted_secret,
            s.key_id, s.nonce, s.created_at, s.updated_at
        from vault.secrets as s;
        """
        + _REGRANT_VIEW,
        {Difference("relation/vault.decrypted_secrets/column/decrypted_secret/collation", "changed", "C", None)},
    ),
    "vault_granted_to_authenticated": (
        """
        grant usage on schema vault to authenticated;
        grant select on table vault.decrypted_secrets to authenticated;
        grant execute on function vault.create_secret(text, text, text, uuid) to authenticated;
        """,
        {
            Difference("schema/vault/acl/authenticated", "extra", None, "U/supabase_admin"),
            Difference("relation/vault.decrypted_secrets/acl/authenticated", "extra", None, "r/supabase_admin"),
            Difference(
                "function/vault.create_secret(text,text,text,uuid)/acl/authenticated",
                "extra",
                None,
                "X/supabase_admin",
            ),
        },
    ),
    "anon_without_statement_timeout": (
        "do $$ begin execute pg_catalog.format("
        "'alter role anon in database %I set statement_timeout = 0', pg_catalog.current_database()); end $$;",
        {Difference("role/anon/setting/statement_timeout", "changed", "3s", "0")},
    ),
    "auth_users_without_rls": (
        "alter table auth.users disable row level security;",
        {Difference("relation/auth.users/rls", "changed", True, False)},
    ),
}


@pytest.mark.parametrize("mutant", list(MUTANTS))
def test_a_broken_platform_fails_the_comparison(
    fidelity_cluster: Cluster, variant_clone: Callable[[str], str], mutant: str
) -> None:
    sql, expected = MUTANTS[mutant]
    dbname = variant_clone("legacy")
    with psycopg.connect(fidelity_cluster.url(user=SUPERUSER, password="", dbname=dbname), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]  # our own mutant
    verdict = judge(_differences(fidelity_cluster, dbname), load_allowlist(), _variant("legacy"))
    assert set(verdict.unexplained) == expected
    assert not verdict.unused


def test_service_role_vault_grants_where_the_stricter_variant_is_expected_fail(
    fidelity_cluster: Cluster,
) -> None:
    """The granted variant judged as the stricter one: the entries that allow the missing grants go unused."""
    verdict = judge(
        _differences(fidelity_cluster, "fidelity_legacy_vault_granted"), load_allowlist(), _variant("legacy")
    )
    assert not verdict.unexplained
    assert set(verdict.unused) == {
        "missing schema/vault/acl/service_role",
        "missing relation/vault.secrets/acl/service_role",
        "missing relation/vault.decrypted_secrets/acl/service_role",
        "missing function/vault.create_secret(text,text,text,uuid)/acl/service_role",
        "missing function/vault.update_secret(uuid,text,text,text,uuid)/acl/service_role",
    }
