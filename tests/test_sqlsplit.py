"""The statement split must match what the Supabase CLI records in schema_migrations.statements."""

from harness.sqlsplit import line_of, split_statements

# Recorded from `supabase db reset` (CLI 2.117.0) on exactly this file.
EDGE_FILE = """create table public."we;ird" (x text default 'it''s;x');;
/* block ; /* nested ; */ still */ create view public.v as select 1 as "a;b";
create function public.g() returns text language plpgsql as $body$ begin return $x$;$x$; end $body$;

-- trailing comment ; with semicolon
"""
CLI_RECORD = [
    "create table public.\"we;ird\" (x text default 'it''s;x')",
    '/* block ; /* nested ; */ still */ create view public.v as select 1 as "a;b"',
    "create function public.g() returns text language plpgsql as $body$ begin return $x$;$x$; end $body$",
    "-- trailing comment ; with semicolon",
]


def test_split_matches_cli_record() -> None:
    assert [s.text for s in split_statements(EDGE_FILE)] == CLI_RECORD


def test_leading_comment_stays_with_its_statement() -> None:
    sql = "-- comment\ncreate table public.t (id int primary key, note text default 'a;b');\nselect 1;"
    assert [s.text for s in split_statements(sql)] == [
        "-- comment\ncreate table public.t (id int primary key, note text default 'a;b')",
        "select 1",
    ]


def test_lines_point_at_statement_start_and_error_position() -> None:
    sql = "select 1;\n\n\nselect\n  2,\n  oops;\n"
    first, second = split_statements(sql)
    assert (first.line, second.line) == (1, 4)
    position = second.text.index("oops") + 1  # PostgreSQL positions are 1-based
    assert line_of(second, position) == 6
    assert line_of(second, None) == 4


def test_dollar_sign_inside_identifier_is_not_a_quote() -> None:
    sql = "select a$b$c from t; select 2"
    assert [s.text for s in split_statements(sql)] == ["select a$b$c from t", "select 2"]
