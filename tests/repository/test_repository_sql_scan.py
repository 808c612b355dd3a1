"""The package's SQL never projects `*` and never names vault_secret_id except as get_integration_vault_secret_id.

The scan reads every module of src/org_integrations with ast and checks each string literal (f-string parts
included) that is not a docstring. It is shown to fail on bad samples and to pass good ones, so a green run means
something.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from repo_world import ROOT

PACKAGE = ROOT / "src" / "org_integrations"

_SQL_WORD = re.compile(r"\b(select|insert|update|delete|returning|from)\b", re.IGNORECASE)
# `*` right after select [distinct], returning, a comma or a qualifier dot, or right before a comma or `from`.
_STAR_PROJECTION = re.compile(r"(?:\bselect(?:\s+distinct)?|\breturning|,|\.)\s*\*|\*\s*(?:,|\bfrom\b)", re.IGNORECASE)
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
# The identifier itself: `get_vault_secret_id` (a method name) is another identifier.
_VAULT_COLUMN = re.compile(r"\bvault_secret_id\b", re.IGNORECASE)
_VAULT_READ_PATH = re.compile(r"get_integration_vault_secret_id", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
        # A bare string statement after an assignment documents it (attribute docstring).
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            ids.add(id(node.value))
    return ids


def string_literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal that is not a docstring; an f-string's formatted values become `{}`."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    inside_fstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = ""
            for part in node.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    inside_fstrings.add(id(part))
                    text += part.value
                else:
                    text += "{}"
            yield node.lineno, text
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and id(node) not in inside_fstrings
        ):
            yield node.lineno, node.value


def violations(source: str, name: str = "<sample>") -> list[str]:
    found = []
    for line, text in string_literals(source):
        if _VAULT_COLUMN.search(_VAULT_READ_PATH.sub("", text)):
            found.append(f"{name}:{line}: names vault_secret_id outside get_integration_vault_secret_id: {text!r}")
        unquoted = _QUOTED.sub("''", text)
        if text.strip() == "*" or (_SQL_WORD.search(unquoted) and _STAR_PROJECTION.search(unquoted)):
            found.append(f"{name}:{line}: projects *: {text!r}")
    return found


def package_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules_to_scan() -> None:
    names = {path.name for path in package_modules()}
    assert {"repository.py", "errors.py", "secrets.py", "identity.py", "models.py"} <= names


@pytest.mark.parametrize("path", package_modules(), ids=lambda p: p.name)
def test_package_sql_has_no_star_and_no_vault_column(path: Path) -> None:
    assert violations(path.read_text(), str(path.relative_to(ROOT))) == []


def test_the_repository_queries_are_seen_by_the_scan() -> None:
    texts = [text for _, text in string_literals((PACKAGE / "repository.py").read_text())]
    assert any("from public.organization_integrations" in text for text in texts)
    assert any("public.get_integration_vault_secret_id" in text for text in texts)
    assert any(text.startswith("select {} from public.organization_integrations") for text in texts)  # f-string


BAD = {
    "select star": 'cur.execute("select * from public.organization_integrations")',
    "upper case": 'cur.execute("SELECT * FROM public.organization_integrations")',
    "qualified star": 'q = "select i.* from public.organization_integrations as i"',
    "star among columns": 'q = "select i.id, * from public.organization_integrations as i"',
    "star first among columns": 'q = "select *, i.id from public.organization_integrations as i"',
    "distinct star": 'q = "select distinct * from public.organization_integrations"',
    "returning star": 'q = "update public.organization_integrations set status = %s returning *"',
    "f-string star": 'q = f"select * from {table}"',
    "split star": 'q = "select " + "*" + " from public.organization_integrations"',
    "implicit concatenation": 'q = ("select *"\n     " from public.organization_integrations")',
    "vault column selected": 'q = "select i.id, i.vault_secret_id from public.organization_integrations as i"',
    "vault column written": 'q = "update public.organization_integrations set vault_secret_id = %s"',
    "vault column in a tuple": 'COLUMNS = ("id", "vault_secret_id")',
    "vault column in an f-string": 'q = f"select {cols}, vault_secret_id from t"',
    "vault column in upper case": 'q = "SELECT VAULT_SECRET_ID FROM t"',
    "vault column beside the read path": 'q = "select public.get_integration_vault_secret_id(%s), vault_secret_id"',
}
GOOD = {
    "explicit columns": 'q = "select i.id, i.provider from public.organization_integrations as i"',
    "count star": 'q = "select pg_catalog.count(*) from public.organization_integrations"',
    "arithmetic": 'q = "select 2 * i.interval_minutes from t as i"',
    "read path": 'q = "select public.get_integration_vault_secret_id(%s)"',
    "star in a literal": "q = \"select i.id from t as i where i.name = '*'\"",
    "docstring": 'def f():\n    """Never select * and never read vault_secret_id."""\n    return 1',
    "module docstring": '"""select * from t; vault_secret_id"""',
    "prose with a star": 'msg = "rated * by users"',
    "another identifier": 'operation = "get_vault_secret_id"',
}


@pytest.mark.parametrize("source", BAD.values(), ids=BAD.keys())
def test_the_scan_fails_on_bad_samples(source: str) -> None:
    assert violations(source) != []


@pytest.mark.parametrize("source", GOOD.values(), ids=GOOD.keys())
def test_the_scan_passes_good_samples(source: str) -> None:
    assert violations(source) == []
