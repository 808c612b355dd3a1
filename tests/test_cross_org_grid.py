"""The cross-organization grid in docs/credentials.md is the pgTAP matrix's own table, rendered."""

from __future__ import annotations

import re

import pytest

import cross_org_grid as grid


@pytest.fixture(scope="module")
def matrix() -> tuple[str, list[grid.Actor], list[grid.Operation]]:
    text = grid.MATRIX.read_text(encoding="utf-8")
    actors, operations = grid.parse(text)
    return text, actors, operations


def test_doc_grid_is_rendered_from_the_matrix(matrix):
    _, actors, operations = matrix
    doc = grid.DOC.read_text(encoding="utf-8")
    assert grid.expected_doc(doc, grid.render(actors, operations)) == doc, (
        "docs/credentials.md is stale: run python tools/cross_org_grid.py --write"
    )


def test_matrix_is_seven_actors_by_sixteen_operations(matrix):
    _, actors, operations = matrix
    assert [a.code for a in actors] == ["AN", "NM", "CA", "CB", "AB", "AA", "SR"]
    assert [op.nn for op in operations] == list(range(1, 17))
    assert all(op.attempt for op in operations)


def test_every_cell_is_asserted_once(matrix):
    text, actors, operations = matrix
    assert grid.id_problems(text, actors, operations) == []


def test_plan_counts_the_generated_and_the_written_cells(matrix):
    text, _, operations = matrix
    denials = sum(outcome in grid.DENIALS for op in operations for outcome in op.outcomes)
    written = len(re.findall(r"'XM-[A-Z0-9]{2}-\d{2}:", text))
    plan = re.search(r"select plan\((\d+)\);", text)
    assert plan is not None
    assert int(plan.group(1)) == denials + written


def test_a_changed_outcome_makes_the_doc_stale(matrix):
    _, actors, operations = matrix
    doc = grid.DOC.read_text(encoding="utf-8")
    first = operations[0]
    changed = [grid.Operation(first.nn, first.label, first.attempt, ("ok", *first.outcomes[1:])), *operations[1:]]
    assert grid.expected_doc(doc, grid.render(actors, changed)) != doc


def test_a_hand_written_denial_or_a_missing_cell_is_reported(matrix):
    text, actors, operations = matrix
    doubled = text + "\nselect ok(true, 'XM-AN-01: written by hand as well');\n"
    missing = text.replace("'XM-SR-09:", "'XM-SR-99:")
    assert any("XM-AN-01" in p for p in grid.id_problems(doubled, actors, operations))
    assert any("XM-SR-09" in p for p in grid.id_problems(missing, actors, operations))


def test_parser_reads_quotes_dollar_quotes_and_comments():
    text = """
-- cross-org-grid:actors:begin
insert into t values ('AN', 1, 'anon''s', null);
-- cross-org-grid:actors:end
-- cross-org-grid:operations:begin
insert into o values
-- a comment (with parentheses)
(7, 'it''s', $$select 'a', (1)$$, '42501');
-- cross-org-grid:operations:end
"""
    actors, operations = grid.parse(text)
    assert actors == [grid.Actor("AN", 1, "anon's")]
    assert operations == [grid.Operation(7, "it's", "select 'a', (1)", ("42501",))]
