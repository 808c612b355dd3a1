-- Issue 10, part 3: input hygiene for the human-readable text columns,
-- organizations.name, organization_integrations.provider and display_name
-- (20261127100200, 20261127100300). Their checks limited only the trimmed
-- length, so 100 MB of spaces around "Acme" was accepted, and they accepted
-- control characters (newline, ESC, BEL) and bidi overrides, which forge lines
-- and reorder text in terminals and UIs.
--
-- Each column gets two named constraints, both answering 23514:
--   <table>_<column>_check: the length, on the untrimmed value, in bytes first
--     (octet_length is O(1) on an untoasted value) and then in characters,
--     before anything scans the text; then non-blank where it was required;
--   <table>_<column>_characters_check: no C0/C1 control character (U+0001 to
--     U+001F, U+007F to U+009F), no line or paragraph separator (U+2028,
--     U+2029), no bidi embedding, override or isolate (U+202A to U+202E,
--     U+2066 to U+2069). A value too long to be valid is passed on without a
--     scan; the length constraint rejects it.
-- PostgreSQL checks a table's CHECK constraints in name order, and each
-- expression is a CASE, so no regex ever sees an over-long value.
--
-- Added NOT VALID: existing rows are repaired (documented) and the
-- constraints validated in 20261129130200. The old constraints are replaced
-- under the same names (squawk's ban-drop-constraint is ignored for them): each
-- new one is stricter than the one it replaces, and clients that branch on the
-- constraint name keep seeing it. Keeping the old ones beside the new would run
-- their btrim over the whole untrimmed value first.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- organizations.name: 1 to 200 characters, not blank.
-- squawk-ignore ban-drop-constraint
alter table public.organizations drop constraint organizations_name_check;
alter table public.organizations add constraint organizations_name_check check (
    case
        when pg_catalog.octet_length(name) > 800 then false
        when pg_catalog.char_length(name) > 200 then false
        else pg_catalog.btrim(name) <> ''
    end
) not valid;
alter table public.organizations add constraint organizations_name_characters_check check (
    case
        when pg_catalog.octet_length(name) > 800 then true
        else name operator (pg_catalog.!~) '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]'
    end
) not valid;

comment on constraint organizations_name_check on public.organizations is
'1 to 200 characters including surrounding spaces, not blank. Lengths are checked before anything scans the value.';
comment on constraint organizations_name_characters_check on public.organizations is
'No control characters, line separators or bidi embeddings, overrides or isolates.';

-- organization_integrations.provider: 1 to 100 characters, not blank.
-- squawk-ignore ban-drop-constraint
alter table public.organization_integrations drop constraint organization_integrations_provider_check;
alter table public.organization_integrations add constraint organization_integrations_provider_check check (
    case
        when pg_catalog.octet_length(provider) > 400 then false
        when pg_catalog.char_length(provider) > 100 then false
        else pg_catalog.btrim(provider) <> ''
    end
) not valid;
alter table public.organization_integrations add constraint organization_integrations_provider_characters_check check (
    case
        when pg_catalog.octet_length(provider) > 400 then true
        else provider operator (pg_catalog.!~) '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]'
    end
) not valid;

comment on constraint organization_integrations_provider_check on public.organization_integrations is
'1 to 100 characters including surrounding spaces, not blank. Lengths are checked before anything scans the value.';
comment on constraint organization_integrations_provider_characters_check on public.organization_integrations is
'No control characters, line separators or bidi embeddings, overrides or isolates.';

-- organization_integrations.display_name: null, or up to 200 characters (as before).
-- squawk-ignore ban-drop-constraint
alter table public.organization_integrations drop constraint organization_integrations_display_name_check;
alter table public.organization_integrations add constraint organization_integrations_display_name_check check (
    display_name is null
    or case
        when pg_catalog.octet_length(display_name) > 800 then false
        else pg_catalog.char_length(display_name) <= 200
    end
) not valid;
alter table public.organization_integrations add constraint organization_integrations_display_name_characters_check check (
    display_name is null
    or case
        when pg_catalog.octet_length(display_name) > 800 then true
        else display_name operator (pg_catalog.!~) '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]'
    end
) not valid;

comment on constraint organization_integrations_display_name_check on public.organization_integrations is
'Null, or at most 200 characters including surrounding spaces. Checked in bytes first, before any scan.';
comment on constraint organization_integrations_display_name_characters_check on public.organization_integrations is
'No control characters, line separators or bidi embeddings, overrides or isolates.';
