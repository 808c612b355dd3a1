"""Read Supabase catalog facts from a database and compare them with the reference.

``platform/reference/supabase-pg15-catalog.json`` holds facts read from a fresh
Supabase Postgres 15 database. ``read_facts`` reads the same facts from any
database and ``as_tree`` turns either into one nested dict, so that
``compare`` can list every difference by a path such as
``relation/vault.decrypted_secrets/column/decrypted_secret/collation``. A thing
present on one side only is reported once, at its own path (a missing table is
one difference, not one per column). ``platform/reference/allowed_differences.toml``
lists the differences the platform layer is allowed to have, each with a reason.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "platform" / "reference" / "supabase-pg15-catalog.json"
ALLOWLIST = ROOT / "platform" / "reference" / "allowed_differences.toml"
REFERENCE_MAJOR = 15  # the reference catalog's PostgreSQL version
SCOPED_SCHEMAS = ("auth", "vault")  # relations and functions are compared in these
# Platform variants, name: (default privileges, service_role's Vault grants). The first is the harness default.
VARIANTS = {
    "legacy": ("legacy", "none"),
    "modern": ("modern", "none"),
    "legacy_vault_granted": ("legacy", "granted"),
    "modern_vault_granted": ("modern", "granted"),
}

Tree = dict[str, Any]

_DATABASE = """
select
    pg_catalog.current_setting('server_version_num')::int / 10000 as major_version,
    pg_catalog.pg_encoding_to_char(d.encoding) as encoding,
    d.datcollate as lc_collate,
    d.datctype as lc_ctype
from pg_catalog.pg_database as d
where d.datname = pg_catalog.current_database()
"""

# Role-wide settings, overridden by settings for this database (what a login here gets).
_ROLES = """
select
    r.rolname as name,
    r.rolsuper as superuser,
    r.rolinherit as inherit,
    r.rolcreaterole as createrole,
    r.rolcreatedb as createdb,
    r.rolcanlogin as login,
    r.rolreplication as replication,
    r.rolbypassrls as bypassrls,
    array(
        select g.rolname::text
        from pg_catalog.pg_auth_members as m
        inner join pg_catalog.pg_roles as g on m.roleid = g.oid
        where m.member = r.oid
        order by 1
    ) as member_of,
    array(
        select c.setting
        from pg_catalog.pg_db_role_setting as s
        cross join lateral pg_catalog.unnest(s.setconfig) as c (setting)
        where
            s.setrole = r.oid
            and s.setdatabase in (0, (select d.oid from pg_catalog.pg_database as d
                                      where d.datname = pg_catalog.current_database()))
        order by s.setdatabase
    ) as settings
from pg_catalog.pg_roles as r
where r.rolname !~ '^pg_'
"""

_SCHEMAS = """
select
    n.nspname as name,
    pg_catalog.pg_get_userbyid(n.nspowner) as owner,
    coalesce(n.nspacl::text[], '{}') as acl
from pg_catalog.pg_namespace as n
where n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
"""

_EXTENSIONS = """
select e.extname as name, e.extversion as version, n.nspname as schema
from pg_catalog.pg_extension as e
inner join pg_catalog.pg_namespace as n on e.extnamespace = n.oid
"""

_RELATIONS = """
select
    n.nspname || '.' || c.relname as name,
    case c.relkind when 'v' then 'view' when 'm' then 'materialized view' else 'table' end as kind,
    pg_catalog.pg_get_userbyid(c.relowner) as owner,
    coalesce(c.relacl::text[], '{}') as acl,
    c.relrowsecurity as rls,
    array(
        select pg_catalog.json_build_object(
            'name', a.attname,
            'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
            'collation', case when a.attcollation <> t.typcollation then co.collname end,
            'not_null', a.attnotnull
        )
        from pg_catalog.pg_attribute as a
        inner join pg_catalog.pg_type as t on a.atttypid = t.oid
        left join pg_catalog.pg_collation as co on a.attcollation = co.oid
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        order by a.attnum
    ) as columns
from pg_catalog.pg_class as c
inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p', 'v', 'm', 'f')
"""

_FUNCTIONS = """
select
    n.nspname || '.' || p.proname || '('
    || pg_catalog.replace(pg_catalog.oidvectortypes(p.proargtypes), ', ', ',') || ')' as name,
    pg_catalog.pg_get_function_result(p.oid) as returns,
    l.lanname as language,
    case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end as volatility,
    p.prosecdef as security_definer,
    pg_catalog.pg_get_userbyid(p.proowner) as owner,
    coalesce(p.proacl::text[], '{}') as acl,
    coalesce(p.proconfig, '{}') as config
from pg_catalog.pg_proc as p
inner join pg_catalog.pg_namespace as n on p.pronamespace = n.oid
inner join pg_catalog.pg_language as l on p.prolang = l.oid
where n.nspname = any(%(schemas)s)
"""

_DEFAULT_PRIVILEGES = """
select
    pg_catalog.pg_get_userbyid(d.defaclrole) as grantor,
    coalesce(n.nspname, '') as schema,
    case d.defaclobjtype
        when 'r' then 'tables' when 'S' then 'sequences' when 'f' then 'functions'
        when 'T' then 'types' when 'n' then 'schemas'
    end as objects,
    d.defaclacl::text[] as acl
from pg_catalog.pg_default_acl as d
left join pg_catalog.pg_namespace as n on d.defaclnamespace = n.oid
"""


def read_facts(url: str, setting_names: list[str]) -> dict[str, Any]:
    """The reference's facts, read from the database at ``url`` (connect as postgres)."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        database = conn.execute(_DATABASE).fetchone()
        settings = {
            name: conn.execute("select pg_catalog.current_setting(%s) as v", [name]).fetchone()["v"]  # type: ignore[index]
            for name in setting_names
        }
        roles = {r.pop("name"): r for r in conn.execute(_ROLES).fetchall()}
        schemas = {r.pop("name"): r for r in conn.execute(_SCHEMAS).fetchall()}
        extensions = {r.pop("name"): r for r in conn.execute(_EXTENSIONS).fetchall()}
        scope = {"schemas": list(SCOPED_SCHEMAS)}
        relations = {r.pop("name"): r for r in conn.execute(_RELATIONS, scope).fetchall()}
        functions = {r.pop("name"): r for r in conn.execute(_FUNCTIONS, scope).fetchall()}
        default_privileges = conn.execute(_DEFAULT_PRIVILEGES).fetchall()
    return {
        "database": database,
        "settings": settings,
        "roles": roles,
        "schemas": schemas,
        "extensions": extensions,
        "relations": relations,
        "functions": functions,
        "default_privileges": default_privileges,
    }


def load_reference() -> dict[str, Any]:
    return json.loads(REFERENCE.read_text())


def _acl(items: list[str]) -> Tree:
    """``grantee=privileges/grantor`` items, keyed by grantee (PUBLIC for the empty one)."""
    tree: Tree = {}
    for item in items:
        grantee, _, rest = item.partition("=")
        tree[grantee.strip('"') or "PUBLIC"] = rest
    return tree


def _settings(items: list[str]) -> Tree:
    """``name=value`` items; a later one (a per-database setting) overrides an earlier one."""
    return dict(item.split("=", 1) for item in items)


def as_tree(facts: dict[str, Any]) -> Tree:
    """One nested dict of every compared fact, ACLs keyed by grantee and columns by name."""
    roles = {
        name: {
            **{k: v for k, v in role.items() if k not in ("member_of", "settings")},
            "member_of": dict.fromkeys(role["member_of"], True),
            "setting": _settings(role["settings"]),
        }
        for name, role in facts["roles"].items()
    }
    relations = {
        name: {
            "kind": rel["kind"],
            "owner": rel["owner"],
            "rls": rel["rls"],
            "acl": _acl(rel["acl"]),
            "column": {col["name"]: {k: v for k, v in col.items() if k != "name"} for col in rel["columns"]},
        }
        for name, rel in facts["relations"].items()
        if name.split(".", 1)[0] in SCOPED_SCHEMAS
    }
    functions = {
        name: {**{k: v for k, v in fn.items() if k not in ("acl", "config")}, "acl": _acl(fn["acl"])}
        | {"config": _settings(fn["config"])}
        for name, fn in facts["functions"].items()
        if name.split(".", 1)[0] in SCOPED_SCHEMAS
    }
    # Keyed by grantor@schema, so that a grantor without any entry in one schema is one difference there.
    default_privileges: Tree = {}
    for entry in facts["default_privileges"]:
        scope = f"{entry['grantor']}@{entry['schema'] or '(all schemas)'}"
        default_privileges.setdefault(scope, {})[entry["objects"]] = _acl(entry["acl"])
    return {
        "database": dict(facts["database"]),
        "setting": dict(facts["settings"]),
        "role": roles,
        "schema": {name: {"owner": s["owner"], "acl": _acl(s["acl"])} for name, s in facts["schemas"].items()},
        "extension": {name: dict(e) for name, e in facts["extensions"].items()},
        "relation": relations,
        "function": functions,
        "default_privileges": default_privileges,
    }


@dataclass(frozen=True)
class Difference:
    path: str
    kind: str  # missing (only in the reference), extra (only here) or changed
    reference: Any = None
    platform: Any = None

    def __str__(self) -> str:
        if self.kind == "changed":
            return f"{self.path}: changed: Supabase {_short(self.reference)}, platform {_short(self.platform)}"
        value = self.reference if self.kind == "missing" else self.platform
        where = "only on Supabase" if self.kind == "missing" else "only in the platform layer"
        return f"{self.path}: {self.kind}, {where}: {_short(value)}"


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def compare(reference: Tree, platform: Tree, prefix: str = "") -> list[Difference]:
    """Every difference between two trees; something on one side only is reported at its own path."""
    found = []
    for key in sorted(reference.keys() | platform.keys()):
        path = f"{prefix}/{key}" if prefix else key
        if key not in platform:
            found.append(Difference(path, "missing", reference=reference[key]))
        elif key not in reference:
            found.append(Difference(path, "extra", platform=platform[key]))
        elif isinstance(reference[key], dict) and isinstance(platform[key], dict):
            found.extend(compare(reference[key], platform[key], path))
        elif reference[key] != platform[key]:
            found.append(Difference(path, "changed", reference=reference[key], platform=platform[key]))
    return found


def _pattern(glob: str) -> re.Pattern[str]:
    """``*`` matches within one path segment (no ``/``), ``**`` across segments."""
    parts = re.split(r"(\*\*|\*)", glob)
    regex = "".join({"**": ".*", "*": "[^/]*"}.get(part, re.escape(part)) for part in parts)
    return re.compile(f"^{regex}$")


@dataclass
class Allowed:
    """One entry of the allowlist: differences of one kind at these paths, for this reason."""

    paths: list[str]
    kind: str
    reason: str
    default_privileges: str | None = None  # only in this mode, when set
    service_role_vault: str | None = None  # only in this Vault variant, when set
    patterns: list[re.Pattern[str]] = field(default_factory=list)

    def applies(self, variant: dict[str, str]) -> bool:
        return all(
            wanted is None or variant[name] == wanted
            for name, wanted in (
                ("default_privileges", self.default_privileges),
                ("service_role_vault", self.service_role_vault),
            )
        )

    def matches(self, difference: Difference) -> re.Pattern[str] | None:
        if difference.kind != self.kind:
            return None
        return next((p for p in self.patterns if p.match(difference.path)), None)


def load_allowlist(path: Path = ALLOWLIST) -> list[Allowed]:
    entries = []
    for raw in tomllib.loads(path.read_text())["difference"]:
        unknown = raw.keys() - {"paths", "kind", "reason", "default_privileges", "service_role_vault"}
        if unknown or raw["kind"] not in ("missing", "extra", "changed") or not raw.get("reason", "").strip():
            raise ValueError(f"{path}: bad entry {raw!r}: needs paths, kind (missing|extra|changed) and a reason")
        entry = Allowed(**raw)
        entry.patterns = [_pattern(p) for p in entry.paths]
        entries.append(entry)
    return entries


@dataclass
class Verdict:
    unexplained: list[Difference]  # differences no entry allows: each fails the test
    unused: list[str]  # entries' paths that allowed nothing in this variant: stale, each fails too


def judge(differences: list[Difference], allowlist: list[Allowed], variant: dict[str, str]) -> Verdict:
    active = [entry for entry in allowlist if entry.applies(variant)]
    used: set[tuple[int, str]] = set()
    unexplained = []
    for difference in differences:
        hit = None
        for index, entry in enumerate(active):
            pattern = entry.matches(difference)
            if pattern is not None:
                hit = (index, pattern.pattern)
                break
        if hit is None:
            unexplained.append(difference)
        else:
            used.add(hit)
    unused = [
        f"{entry.kind} {glob}"
        for index, entry in enumerate(active)
        for glob, pattern in zip(entry.paths, entry.patterns, strict=True)
        if (index, pattern.pattern) not in used
    ]
    return Verdict(unexplained=unexplained, unused=unused)
