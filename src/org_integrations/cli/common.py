"""What every operator command shares: connecting, switching role, exit codes, escaping, progress.

Connecting. Every command takes ``--db-url``; without it, the URL comes from the
environment variable ``ORG_INTEGRATIONS_DB_URL``. The URL's login role must be
able to switch to the command's role: the project's ``postgres`` connection
string (Dashboard > Connect) or a local URL.

Switching role. Every transaction a command runs starts the way PostgREST starts
a request: ``set_config('request.jwt.claims', '{"role": ROLE}', true)`` and
``set_config('role', ROLE, true)``. Both are transaction-local. ``--role``
chooses ROLE; the default is ``service_role``, which is what the server-side
functions are granted to. The switch is tried once before anything else, so a
login role that cannot make it fails with exit code 2 and changes nothing.

Exit codes, the same for every command:

- 0 (``OK``): done, or nothing to do, or a dry run.
- 1 (``INCOMPLETE``): the command started and something failed; what already
  committed stays, the output says what failed, and running the same command
  again is safe.
- 2 (``NOT_STARTED``): bad arguments, no connection, the role switch refused,
  or the database lacks the migration the command needs; nothing changed.

Output. Values that come from the database (names, providers, problems, error
messages) are written through ``printable``, so control characters, escape
sequences and bidi overrides reach the terminal as visible escapes, not as
effects.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from typing import Final, NoReturn, TextIO

import psycopg
from tqdm import tqdm

OK: Final = 0
INCOMPLETE: Final = 1
NOT_STARTED: Final = 2

DB_URL_ENV: Final = "ORG_INTEGRATIONS_DB_URL"
DEFAULT_ROLE: Final = "service_role"
MAX_VALUE_CHARS: Final = 200

EXIT_CODES_HELP: Final = (
    "exit codes: 0 done (or nothing to do, or a dry run); 1 started but something failed, what committed stays, "
    "rerunning is safe; 2 not started (arguments, connection, role switch, missing migration), nothing changed"
)

_ACT_AS: Final = "select pg_catalog.set_config('request.jwt.claims', %s, true), pg_catalog.set_config('role', %s, true)"


class NotStarted(Exception):
    """The command cannot start; nothing was changed. The message says why (exit code 2)."""


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """``--db-url`` and ``--role``, the same for every command."""
    parser.add_argument(
        "--db-url",
        default=os.environ.get(DB_URL_ENV),
        help=f"PostgreSQL URL of the project database (default: ${DB_URL_ENV})",
    )
    parser.add_argument(
        "--role",
        default=DEFAULT_ROLE,
        help=f"role each transaction acts as, as PostgREST would switch to it (default {DEFAULT_ROLE})",
    )


def require_db_url(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not args.db_url:
        parser.error(f"--db-url is required (or set {DB_URL_ENV})")


def connect(db_url: str, application_name: str) -> psycopg.Connection:
    """Open the connection; any failure becomes NotStarted."""
    try:
        return psycopg.connect(db_url, application_name=application_name)
    except psycopg.Error as exc:
        raise NotStarted(f"cannot connect: {printable(exc, 500)}") from exc


def act_as(conn: psycopg.Connection, role: str, *, lock_timeout: str | None = None) -> None:
    """Act as ``role`` until the end of the current transaction, which must be open.

    With ``lock_timeout``, also bound each statement's lock wait by it and each statement by 60 s, as the
    commands that write under live traffic do.
    """
    conn.execute(_ACT_AS, [json.dumps({"role": role}), role])
    if lock_timeout is not None:
        conn.execute("select pg_catalog.set_config('lock_timeout', %s, true)", [lock_timeout])
        conn.execute("select pg_catalog.set_config('statement_timeout', '60s', true)")


def check_role(conn: psycopg.Connection, role: str) -> None:
    """Try the role switch once, in a transaction that is rolled back; NotStarted if it is refused."""
    try:
        with conn.transaction(force_rollback=True):
            act_as(conn, role)
    except psycopg.errors.InsufficientPrivilege as exc:
        raise NotStarted(f"this connection cannot act as {printable(role)}: {describe_error(exc)}") from exc


def require_function(conn: psycopg.Connection, signature: str, migration: str) -> None:
    """NotStarted unless the function exists: the database lacks the migration the command needs."""
    with conn.transaction(force_rollback=True):
        row = conn.execute("select pg_catalog.to_regprocedure(%s)", [signature]).fetchone()
    if row is None or row[0] is None:
        name = signature.split("(", 1)[0]
        raise NotStarted(f"{name} is missing: apply migration {migration} first")


def describe_error(exc: psycopg.Error) -> str:
    """SQLSTATE and primary message of a database error, escaped: messages can quote user input."""
    diag = exc.diag
    text = f"{diag.sqlstate or ''} {diag.message_primary or exc}".strip()
    return printable(text, 500)


def say(out: TextIO, line: str) -> None:
    """One report line, written above the progress bar when one is drawn."""
    tqdm.write(line, file=out)
    out.flush()


def timestamp(value: object) -> str:
    """A timestamptz from the database in UTC, to the second; escaped like every database value."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return printable(value)


def printable(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """``value`` as one line of visible characters, at most about ``limit`` of them.

    Backslashes and every character that ``str.isprintable`` rejects (C0 and C1
    controls such as newline, ESC and BEL; format characters such as bidi
    overrides and zero-width joiners; line and paragraph separators; unassigned
    code points) become Python-style escapes: ``\\x1b``, ``\\u202e``. A longer
    value is cut, saying how much was left out.
    """
    text = str(value)
    cut = max(len(text) - limit, 0)
    if cut:
        text = text[:limit]
    if not text.isprintable() or "\\" in text:
        text = "".join(_escape(char) for char in text)
    return f"{text}…(+{cut} characters)" if cut else text


def _escape(char: str) -> str:
    if char == "\\":
        return "\\\\"
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def progress_bar(
    total: int,
    stream: TextIO,
    unit: str,
    bar_format: str,
    *,
    enabled: bool = True,
    initial: int = 0,
    desc: str | None = None,
    postfix: str | None = None,
) -> tqdm[NoReturn]:
    """A tqdm progress bar on ``stream`` that redraws in place on a terminal and logs plain lines elsewhere.

    On a terminal it is redrawn at most ten times a second; written to a file or
    pipe it prints at most one line every 30 seconds, plus the first and the last.
    """
    terminal = stream.isatty()
    return tqdm(
        total=total,
        file=stream,
        unit=unit,
        bar_format=bar_format,
        mininterval=0.1 if terminal else 30,
        dynamic_ncols=terminal,
        disable=not enabled,
        leave=True,
        initial=initial,
        desc=desc,
        postfix=postfix,
    )
