"""Split a SQL file into statements the way the Supabase CLI does.

The CLI records each migration as the list of its statements in
``supabase_migrations.schema_migrations.statements``: it splits on top-level
semicolons, keeps comments that precede a statement, trims white space, drops
the semicolon and skips empty statements. We need that exact list, plus the
line each statement starts on for error reports. General-purpose splitters
(sqlparse, pglast) normalise or drop comments, so they cannot reproduce the
CLI's record; this small scanner does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


@dataclass(frozen=True)
class Statement:
    text: str
    line: int  # 1-based line of the statement's first character in the file
    offset: int  # 0-based character offset of that first character


def _skip_quoted(sql: str, i: int, quote: str) -> int:
    """Return the index just past a quoted string or identifier opened at i."""
    n = len(sql)
    i += 1
    while i < n:
        if sql[i] == quote:
            if i + 1 < n and sql[i + 1] == quote:  # doubled quote escapes itself
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _skip_block_comment(sql: str, i: int) -> int:
    """Return the index just past a (possibly nested) /* */ comment."""
    n = len(sql)
    depth = 0
    while i < n:
        if sql.startswith("/*", i):
            depth += 1
            i += 2
        elif sql.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def split_statements(sql: str) -> list[Statement]:
    """Split ``sql`` on top-level semicolons, as the Supabase CLI does."""
    pieces: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            i = _skip_quoted(sql, i, ch)
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end + 1
        elif sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
        elif ch == "$" and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_")):
            match = _DOLLAR_TAG.match(sql, i)
            if match:
                end = sql.find(match.group(0), match.end())
                i = n if end == -1 else end + len(match.group(0))
            else:
                i += 1
        elif ch == ";":
            pieces.append((start, i))
            i += 1
            start = i
        else:
            i += 1
    pieces.append((start, n))

    statements: list[Statement] = []
    for begin, end in pieces:
        chunk = sql[begin:end]
        text = chunk.strip()
        if not text:
            continue
        offset = begin + (len(chunk) - len(chunk.lstrip()))
        statements.append(Statement(text=text, line=sql.count("\n", 0, offset) + 1, offset=offset))
    return statements


def line_of(statement: Statement, position: int | None) -> int:
    """File line of a 1-based character ``position`` inside ``statement``."""
    if not position:
        return statement.line
    return statement.line + statement.text.count("\n", 0, max(position - 1, 0))
