"""A small committed world for the runtime gates, identity switching, and table fingerprints.

Three organizations: A (admin, coordinator) with an active, an inactive and an
unlinked integration plus one whose secret was kept in Vault by name only; B
(admin) with an active and an errored integration; C (admin) with one active
integration. A non-member user, a Vault secret that is no integration's
credential, and a notification complete it. Credentials are random per world
and stored through the API as service_role.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import psycopg

from org_integrations.identity import Identity
from support.identity import act_as as act_as_identity
from support.users import add_member, create_org, create_user

ORG_A = "00000606-0000-4000-8000-00000000000a"
ORG_B = "00000606-0000-4000-8000-00000000000b"
ORG_C = "00000606-0000-4000-8000-00000000000c"
ADMIN_A = "00000606-0000-4000-8000-0000000000a1"
COORDINATOR_A = "00000606-0000-4000-8000-0000000000a2"
ADMIN_B = "00000606-0000-4000-8000-0000000000b1"
ADMIN_C = "00000606-0000-4000-8000-0000000000c1"
OUTSIDER = "00000606-0000-4000-8000-0000000000f1"
# integration id -> (organization, provider, status after setup, credential: "linked" | "kept" | None)
INTEGRATIONS = {
    "00000606-1000-4000-8000-0000000000a1": (ORG_A, "salesforce", "active", "linked"),
    "00000606-1000-4000-8000-0000000000a2": (ORG_A, "hubspot", "inactive", "linked"),
    "00000606-1000-4000-8000-0000000000a3": (ORG_A, "pipedrive", "inactive", None),
    "00000606-1000-4000-8000-0000000000a4": (ORG_A, "zendesk", "inactive", "kept"),
    "00000606-1000-4000-8000-0000000000b1": (ORG_B, "salesforce", "active", "linked"),
    "00000606-1000-4000-8000-0000000000b2": (ORG_B, "hubspot", "error", None),
    "00000606-1000-4000-8000-0000000000c1": (ORG_C, "zendesk", "active", "linked"),
}
UNRELATED_SECRET_NAME = "smtp_password"

# Actor name -> the API caller, whose role and JWT claims are set as PostgREST sets them.
ACTORS: dict[str, Identity] = {
    "anon": Identity.anon(),
    "admin_a": Identity.user(ADMIN_A),
    "coordinator_a": Identity.user(COORDINATOR_A),
    "admin_b": Identity.user(ADMIN_B),
    "outsider": Identity.user(OUTSIDER),
    "service_role": Identity.service_role(),
}


@dataclass
class World:
    plaintexts: dict[str, str] = field(default_factory=dict)  # integration id -> credential
    secret_ids: dict[str, str] = field(default_factory=dict)  # integration id -> vault secret id
    unrelated_secret: str = ""
    unrelated_secret_id: str = ""

    def id_groups(self) -> dict[str, list[str]]:
        """The world's ids by kind, for generators that should hit real rows."""
        return {
            "organizations": [ORG_A, ORG_B, ORG_C],
            "integrations": list(INTEGRATIONS),
            "users": [ADMIN_A, COORDINATOR_A, ADMIN_B, ADMIN_C, OUTSIDER],
            "vault secrets": [*self.secret_ids.values(), self.unrelated_secret_id],
        }


def act_as(conn: psycopg.Connection, actor: str | Identity) -> None:
    """``support.identity.act_as`` that also takes an ACTORS name: kept for callers written against it."""
    act_as_identity(conn, ACTORS[actor] if isinstance(actor, str) else actor)


def random_credential() -> str:
    return f"sk_live_{secrets.token_urlsafe(30)}"


def build_world(url: str) -> World:
    """Create and commit the world in the database at ``url`` (as postgres)."""
    world = World()
    with psycopg.connect(url) as conn:
        for user_id in (ADMIN_A, COORDINATOR_A, ADMIN_B, ADMIN_C, OUTSIDER):
            create_user(conn, user_id, f"user-{user_id[-2:]}@gates.test")
        for org_id, name in ((ORG_A, "Gate org A"), (ORG_B, "Gate org B"), (ORG_C, "Gate org C")):
            create_org(conn, org_id, name)
        for org_id, user_id, role in (
            (ORG_A, ADMIN_A, "admin"),
            (ORG_A, COORDINATOR_A, "coordinator"),
            (ORG_B, ADMIN_B, "admin"),
            (ORG_C, ADMIN_C, "admin"),
        ):
            add_member(conn, org_id, user_id, role)
        for integration_id, (org_id, provider, _, _) in INTEGRATIONS.items():
            conn.execute(
                "insert into public.organization_integrations (id, organization_id, provider, display_name) "
                "values (%s, %s, %s, %s)",
                [integration_id, org_id, provider, f"{provider} of {org_id[-1].upper()}"],
            )
        conn.commit()

        with conn.transaction():
            act_as_identity(conn, ACTORS["service_role"])
            for integration_id, (_, _, _, credential) in INTEGRATIONS.items():
                if credential == "linked":
                    plaintext = random_credential()
                    row = conn.execute("select public.store_credential(%s, %s)", [integration_id, plaintext])
                    world.plaintexts[integration_id] = plaintext
                    world.secret_ids[integration_id] = str(row.fetchone()[0])  # type: ignore[index]
        # Secrets the API would not create: kept by name through a rollback, and one that is no credential.
        for integration_id, (_, _, _, credential) in INTEGRATIONS.items():
            if credential == "kept":
                plaintext = random_credential()
                row = conn.execute(
                    "select vault.create_secret(%s, %s)", [plaintext, f"integration_credential:{integration_id}"]
                )
                world.plaintexts[integration_id] = plaintext
                world.secret_ids[integration_id] = str(row.fetchone()[0])  # type: ignore[index]
        world.unrelated_secret = random_credential()
        row = conn.execute("select vault.create_secret(%s, %s)", [world.unrelated_secret, UNRELATED_SECRET_NAME])
        world.unrelated_secret_id = str(row.fetchone()[0])  # type: ignore[index]
        for integration_id, (_, _, status, _) in INTEGRATIONS.items():
            conn.execute(
                "update public.organization_integrations set status = %s where id = %s", [status, integration_id]
            )
        conn.execute(
            "insert into public.organization_notifications (organization_id, kind, repair_run_id, details) "
            """values (%s, 'integration_config_repaired', gen_random_uuid(), '{"integration_count": 0}')""",
            [ORG_B],
        )
        conn.commit()
    return world


# Fingerprints ---------------------------------------------------------------------------------------

TABLES_SQL = """
select pg_catalog.format('%I.%I', n.nspname, c.relname)
from pg_catalog.pg_class as c
join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and n.nspname in ('public', 'private', 'vault', 'auth')
order by 1
"""


def tables(conn: psycopg.Connection) -> list[str]:
    return [row[0] for row in conn.execute(TABLES_SQL)]


def checksum_sql(table_names: list[str]) -> str:
    """One query returning an md5 per table of every row's text, in a stable order."""
    parts = [
        f"select '{name}' as t, pg_catalog.md5(coalesce(pg_catalog.string_agg(r::text, E'\\n' order by r::text), '')) "
        f"from {name} as r"
        for name in table_names
    ]
    return " union all ".join(parts)


def table_rows(conn: psycopg.Connection) -> dict[str, list[str]]:
    """Every row of every table in public, private, vault and auth, as text, sorted; run as postgres."""
    return {
        name: sorted(row[0] for row in conn.execute(f"select r::text from {name} as r"))  # type: ignore[arg-type]
        for name in tables(conn)
    }
