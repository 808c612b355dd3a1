-- Issue 10, part 3: repairs the existing rows that break the text constraints
-- added NOT VALID in 20261129130100, then validates them. No row is deleted.
--
-- The repair, only of values that violate a new constraint:
--   1. surrounding spaces are trimmed (the old constraints bounded the trimmed
--      length, so every trimmed value fits the new length limits);
--   2. every rejected character (control, line separator, bidi embedding,
--      override or isolate) is replaced by U+FFFD, the replacement character,
--      so the value stays visibly marked and never becomes blank.
-- The value before the repair is kept in private.text_hygiene_repairs (no API
-- role can read it) for support to consult; docs/decisions/input-hygiene.md
-- describes the rule. The repair also stamps updated_at.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create table private.text_hygiene_repairs (
    id bigint generated always as identity,
    table_name text not null,
    row_id uuid not null,
    column_name text not null,
    value_before text not null,
    repaired_at timestamptz not null default pg_catalog.now(),
    constraint text_hygiene_repairs_pkey primary key (id)
);

comment on table private.text_hygiene_repairs is
'Values the 20261129130200 migration repaired (trimmed, control and bidi characters replaced), as they were before. '
'For support only; no API role has access.';

alter table private.text_hygiene_repairs enable row level security;
revoke all on table private.text_hygiene_repairs from public, anon, authenticated, service_role;

-- Statement order matters: each repair records the old value first.

with bad as (
    select
        o.id,
        o.name
    from public.organizations as o
    where not (
        case
            when pg_catalog.octet_length(o.name) > 800 then false
            when pg_catalog.char_length(o.name) > 200 then false
            else
                pg_catalog.btrim(o.name) <> ''
                and o.name operator (pg_catalog.!~)
                '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]'
        end
    )
),

recorded as (
    insert into private.text_hygiene_repairs (table_name, row_id, column_name, value_before)
    select
        'public.organizations' as table_name,
        b.id,
        'name' as column_name,
        b.name
    from bad as b
    returning row_id
)

update public.organizations as o
set
    name = pg_catalog.regexp_replace(
        pg_catalog.btrim(o.name),
        '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]',
        U&'\FFFD',
        'g'
    )
from recorded as r
where o.id = r.row_id;

-- provider and display_name in one statement: an update checks every
-- constraint of the row, so a row bad in both columns must be fixed in both
-- at once.
with flagged as (
    select
        i.id,
        i.provider,
        i.display_name,
        not(
            case
                when pg_catalog.octet_length(i.provider) > 400 then false
                when pg_catalog.char_length(i.provider) > 100 then false
                else
                    pg_catalog.btrim(i.provider) <> ''
                    and i.provider operator (pg_catalog.!~)
                    '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]'
            end
        ) as provider_bad,
        coalesce(
            not (
                case
                    when pg_catalog.octet_length(i.display_name) > 800 then false
                    when pg_catalog.char_length(i.display_name) > 200 then false
                    else
                        i.display_name operator (pg_catalog.!~)
                        '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]'
                end
            ),
            false
        ) as display_name_bad
    from public.organization_integrations as i
),

bad as (
    select
        f.id,
        f.provider,
        f.display_name,
        f.provider_bad,
        f.display_name_bad
    from flagged as f
    where f.provider_bad or f.display_name_bad
),

-- Runs to completion although the update does not read it.
recorded as (
    insert into private.text_hygiene_repairs (table_name, row_id, column_name, value_before)
    select
        'public.organization_integrations' as table_name,
        b.id,
        c.column_name,
        c.value_before
    from bad as b
    cross join
        lateral (
            values
            ('provider', b.provider, b.provider_bad),
            ('display_name', b.display_name, b.display_name_bad)
        ) as c (column_name, value_before, is_bad)
    where c.is_bad
    returning row_id
)

update public.organization_integrations as i
set
    provider = case
        when b.provider_bad
            then
                pg_catalog.regexp_replace(
                    pg_catalog.btrim(i.provider),
                    '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]',
                    U&'\FFFD',
                    'g'
                )
        else i.provider
    end,
    display_name = case
        when b.display_name_bad
            then
                pg_catalog.regexp_replace(
                    pg_catalog.btrim(i.display_name),
                    '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]',
                    U&'\FFFD',
                    'g'
                )
        else i.display_name
    end
from bad as b
where i.id = b.id;

-- SHARE UPDATE EXCLUSIVE only: reads and writes continue while it scans.
alter table public.organizations validate constraint organizations_name_check;
alter table public.organizations validate constraint organizations_name_characters_check;
alter table public.organization_integrations validate constraint organization_integrations_provider_check;
alter table public.organization_integrations validate constraint organization_integrations_provider_characters_check;
alter table public.organization_integrations validate constraint organization_integrations_display_name_check;
alter table public.organization_integrations
validate constraint organization_integrations_display_name_characters_check;
