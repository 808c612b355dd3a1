-- Issue 13: the lockdown switch of the breach runbook, held in data so that
-- a responder can shut an organization (or all of them) off from the API in
-- one call, without deploying a migration.
--
-- private.organization_lockdowns keeps every lockdown, active or lifted: its
-- scope (an organization, or null for all of them), reason, incident, who set
-- it and when, and who lifted it, when and why. Rows are never deleted.
-- public.set_organization_lockdown and public.lift_organization_lockdown are
-- the only writers, callable by service_role and postgres; each set and lift
-- is also written to public.credential_audit and notified to the admins of
-- every organization it covers (kinds from 20261207100000).
--
-- Enforcement reads the active lockdowns through
-- private.locked_organization_ids(): the restrictive policies of
-- 20261207100300-100340 and, through private.organization_is_locked_down, the client
-- functions (20261207100400). That function is the table's active rows
-- compiled into a constant: declared immutable, so the planner folds it into
-- every plan and a policy costs no query per statement; a trigger on the table
-- rewrites it in the same transaction as every change, and rewriting a
-- function invalidates every cached plan that folded it, in every session
-- (docs/decisions/0006-lockdown-folded-into-plans.md has the measurements and the reasoning).
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create table private.organization_lockdowns (
    id uuid not null default pg_catalog.gen_random_uuid(),
    -- Null: a global lockdown, every organization. No foreign key, as for the
    -- audit: the record must outlive the organization.
    organization_id uuid,
    reason text not null,
    incident text,
    set_at timestamptz not null default pg_catalog.now(),
    set_by_role text not null,
    set_by_user_id uuid,
    lifted_at timestamptz,
    lift_reason text,
    lifted_by_role text,
    lifted_by_user_id uuid,
    constraint organization_lockdowns_pkey primary key (id),
    constraint organization_lockdowns_reason_check check (
        pg_catalog.octet_length(reason) <= 4000 and pg_catalog.btrim(reason) <> ''
    ),
    constraint organization_lockdowns_incident_check check (
        pg_catalog.octet_length(incident) <= 800 and pg_catalog.btrim(incident) <> ''
    ),
    constraint organization_lockdowns_lift_check check (
        (lifted_at is null) = (lift_reason is null)
        and (lifted_at is null) = (lifted_by_role is null)
        and (lifted_at is null or lifted_at >= set_at)
    )
);

-- At most one active lockdown per scope; nulls not distinct, so also at most
-- one global one. Set and lift find the active row of a scope through it.
create unique index organization_lockdowns_active_key
on private.organization_lockdowns (organization_id) nulls not distinct
where lifted_at is null;

comment on table private.organization_lockdowns is
'Every lockdown of an organization (organization_id) or of all of them (null), active while lifted_at is null. '
'Written only by public.set_organization_lockdown and public.lift_organization_lockdown; never deleted.';

alter table private.organization_lockdowns enable row level security;

-- Legacy default privileges would grant all to the API roles: start from
-- nothing. service_role reads every lockdown, for responders; only the
-- postgres-owned functions below write, and no policy admits the API roles.
revoke all on table private.organization_lockdowns from public, anon, authenticated, service_role;
grant select on table private.organization_lockdowns to service_role;

-- The active lockdowns as a constant: organization ids, and a null element
-- for a global lockdown. Written only by private.compile_organization_lockdowns
-- below; this first body says that none is active.
-- immutable: see the header. It is rewritten, never changed in place, so no
-- plan can keep an old answer.
create function private.locked_organization_ids()
returns uuid[]
language sql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
as $$
    select '{}'::uuid[];
$$;

comment on function private.locked_organization_ids() is
'The active lockdowns (private.organization_lockdowns) compiled into a constant: organization ids, and null for a '
'global lockdown. Rewritten by private.compile_organization_lockdowns on every change; never edit it by hand.';

-- The API roles plan queries under the lockdown policies, which fold this
-- call: they need EXECUTE, and anon needs to look names up in private, which
-- it had no reason to before. It reveals which organizations are locked down,
-- as does pg_proc, which every role can read; every other private function
-- revokes EXECUTE from PUBLIC and anon (GATE-FN-02, GATE-FN-05).
revoke all on function private.locked_organization_ids() from public, anon, authenticated, service_role;
grant execute on function private.locked_organization_ids() to anon, authenticated, service_role;
grant usage on schema private to anon;

-- Rewrites private.locked_organization_ids() from the table. Runs after every
-- statement that changes the table, inside its transaction: a rolled-back
-- change rolls the rewrite back too. Writers are serialized (share row
-- exclusive), so two lockdowns set at once both end up compiled: the second
-- waits, then reads the first's committed row. Readers never wait.
create function private.compile_organization_lockdowns()
returns trigger
language plpgsql
volatile
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    v_ids uuid [];
begin
    lock table private.organization_lockdowns in share row exclusive mode;
    select coalesce(pg_catalog.array_agg(l.organization_id order by l.organization_id nulls first), '{}')
    into v_ids
    from private.organization_lockdowns as l
    where l.lifted_at is null;

    -- Unchanged (a rerun that wrote nothing): keep the function, and every
    -- session's cached plans with it.
    if v_ids = private.locked_organization_ids() then
        return null;
    end if;

    execute pg_catalog.format(
        'create or replace function private.locked_organization_ids() returns uuid [] language sql immutable '
        || 'parallel safe set search_path = pg_catalog, pg_temp as %L',
        pg_catalog.format('select %L::uuid[];', v_ids)
    );
    return null;
end;
$$;

comment on function private.compile_organization_lockdowns() is
'Trigger: rewrites private.locked_organization_ids() from the active rows of private.organization_lockdowns.';

revoke all on function private.compile_organization_lockdowns() from public, anon, authenticated, service_role;

create trigger organization_lockdowns_compile
after insert or update or delete or truncate on private.organization_lockdowns
for each statement
execute function private.compile_organization_lockdowns();

-- Whether a lockdown covers the organization: its own, or a global one. Null
-- asks for a global one only. Callers that are never locked out
-- (service_role, postgres) skip it.
create function private.organization_is_locked_down(p_organization_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select
        coalesce(p_organization_id = any(l.ids), false)
        or pg_catalog.array_position(l.ids, null) is not null
    from (select private.locked_organization_ids() as ids) as l;
$$;

comment on function private.organization_is_locked_down(uuid) is
'True when an active lockdown covers the organization (its own or a global one); null asks for a global one. '
'Every client-callable function checks it (GATE-LCK-02).';

revoke all on function private.organization_is_locked_down(uuid) from public, anon, authenticated, service_role;
grant execute on function private.organization_is_locked_down(uuid) to authenticated, service_role;

-- Raises 22023 unless p_value is 1 to p_max_chars characters, not blank, and
-- free of control characters and bidi controls (the classes that
-- 20261129130100 bans from names): the text is shown to admins and printed in
-- responders' terminals. Bytes are checked before anything scans the text.
create function private.assert_lockdown_text(p_value text, p_name text, p_max_chars integer)
returns void
language plpgsql
immutable
security invoker
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_value is null
        or pg_catalog.octet_length(p_value) > 4 * p_max_chars
        or pg_catalog.char_length(p_value) > p_max_chars
        or pg_catalog.btrim(p_value) = ''
    then
        raise exception '% must be 1 to % characters and not blank', p_name, p_max_chars
        using errcode = '22023';
    end if;
    if p_value ~ '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]' then
        raise exception '% must not contain control characters', p_name
        using errcode = '22023';
    end if;
end;
$$;

revoke all on function private.assert_lockdown_text(text, text, integer) from public, anon, authenticated, service_role;

-- One audit row and one notification for every organization the lockdown
-- covers: its own, or every organization for a global one.
create function private.record_lockdown_event(
    p_lockdown private.organization_lockdowns,
    p_action_name text,
    p_notification_kind text
)
returns integer
language plpgsql
volatile
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    v_details jsonb := pg_catalog.jsonb_build_object(
        'lockdown_id', p_lockdown.id,
        'scope', case when p_lockdown.organization_id is null then 'global' else 'organization' end,
        'incident', p_lockdown.incident,
        'reason', coalesce(p_lockdown.lift_reason, p_lockdown.reason)
    )
    || case
        when p_lockdown.lifted_at is null then pg_catalog.jsonb_build_object('set_at', p_lockdown.set_at)
        else pg_catalog.jsonb_build_object('lifted_at', p_lockdown.lifted_at)
    end;
    v_count integer;
begin
    insert into public.credential_audit (organization_id, action_name, actor_user_id, actor_role, details)
    select o.id, p_action_name, auth.uid(), private.credential_request_role(), v_details
    from public.organizations as o
    where p_lockdown.organization_id is null or o.id = p_lockdown.organization_id;

    insert into public.organization_notifications (organization_id, kind, details)
    select o.id, p_notification_kind, v_details
    from public.organizations as o
    where p_lockdown.organization_id is null or o.id = p_lockdown.organization_id;

    get diagnostics v_count = row_count;
    return v_count;
end;
$$;

revoke all on function private.record_lockdown_event(private.organization_lockdowns, text, text)
from public, anon, authenticated, service_role;

-- security definer: writes private.organization_lockdowns and
-- public.credential_audit, which no API role may write (not even
-- service_role: the audit is append-only through postgres-owned functions).
create function private.set_organization_lockdown(p_organization_id uuid, p_reason text, p_incident text)
returns table (lockdown_id uuid, organization_id uuid, set_at timestamptz, already_active boolean)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_lockdown private.organization_lockdowns;
begin
    if not private.credential_caller_is_privileged() then
        raise exception 'only service_role may set a lockdown'
        using errcode = '42501';
    end if;
    perform private.assert_lockdown_text(p_reason, 'reason', 1000);
    if p_incident is not null then
        perform private.assert_lockdown_text(p_incident, 'incident', 200);
    end if;
    if p_organization_id is not null then
        -- Locked against concurrent deletion until commit, so the audit and
        -- the notification below reach it.
        perform
        from public.organizations as o
        where o.id = p_organization_id
        for key share;
        if not found then
            raise exception 'organization % not found', p_organization_id
            using errcode = 'P0002';
        end if;
    end if;

    -- One writer at a time (see private.compile_organization_lockdowns).
    lock table private.organization_lockdowns in share row exclusive mode;

    -- Safe to rerun: an active lockdown of the same scope is returned as it
    -- is, and nothing is written.
    insert into private.organization_lockdowns as l (organization_id, reason, incident, set_by_role, set_by_user_id)
    values (p_organization_id, p_reason, p_incident, private.credential_request_role(), auth.uid())
    on conflict (organization_id) where lifted_at is null do nothing
    returning l.* into v_lockdown;

    if v_lockdown.id is null then
        select l.* into strict v_lockdown
        from private.organization_lockdowns as l
        where l.organization_id is not distinct from p_organization_id and l.lifted_at is null;
        return query select v_lockdown.id, v_lockdown.organization_id, v_lockdown.set_at, true;
        return;
    end if;

    perform private.record_lockdown_event(v_lockdown, 'lockdown_set', 'organization_locked_down');
    return query select v_lockdown.id, v_lockdown.organization_id, v_lockdown.set_at, false;
end;
$$;

comment on function private.set_organization_lockdown(uuid, text, text) is
'Implements public.set_organization_lockdown: records, audits and notifies a lockdown. service_role only.';

revoke all on function private.set_organization_lockdown(uuid, text, text)
from public, anon, authenticated, service_role;
grant execute on function private.set_organization_lockdown(uuid, text, text) to service_role;

-- security definer: as private.set_organization_lockdown.
create function private.lift_organization_lockdown(p_organization_id uuid, p_reason text)
returns table (lockdown_id uuid, organization_id uuid, lifted_at timestamptz, was_active boolean)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_lockdown private.organization_lockdowns;
begin
    if not private.credential_caller_is_privileged() then
        raise exception 'only service_role may lift a lockdown'
        using errcode = '42501';
    end if;
    perform private.assert_lockdown_text(p_reason, 'reason', 1000);

    -- One writer at a time (see private.compile_organization_lockdowns).
    lock table private.organization_lockdowns in share row exclusive mode;

    update private.organization_lockdowns as l
    set
        lifted_at = pg_catalog.now(),
        lift_reason = p_reason,
        lifted_by_role = private.credential_request_role(),
        lifted_by_user_id = auth.uid()
    where l.organization_id is not distinct from p_organization_id and l.lifted_at is null
    returning l.* into v_lockdown;

    if v_lockdown.id is null then
        -- Safe to rerun: nothing active is not an error, unless the
        -- organization does not exist at all (a mistyped id).
        if p_organization_id is not null
            and not exists (select 1 from public.organizations as o where o.id = p_organization_id)
        then
            raise exception 'organization % not found', p_organization_id
            using errcode = 'P0002';
        end if;
        return query select null::uuid, p_organization_id, null::timestamptz, false;
        return;
    end if;

    perform private.record_lockdown_event(v_lockdown, 'lockdown_lifted', 'organization_lockdown_lifted');
    return query select v_lockdown.id, v_lockdown.organization_id, v_lockdown.lifted_at, true;
end;
$$;

comment on function private.lift_organization_lockdown(uuid, text) is
'Implements public.lift_organization_lockdown: lifts, audits and notifies. service_role only.';

revoke all on function private.lift_organization_lockdown(uuid, text) from public, anon, authenticated, service_role;
grant execute on function private.lift_organization_lockdown(uuid, text) to service_role;

-- The public interface: thin invoker wrappers, as for the credential functions.

create function public.set_organization_lockdown(p_organization_id uuid, p_reason text, p_incident text)
returns table (lockdown_id uuid, organization_id uuid, set_at timestamptz, already_active boolean)
language sql
volatile
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select * from private.set_organization_lockdown(p_organization_id, p_reason, p_incident);
$$;

comment on function public.set_organization_lockdown(uuid, text, text) is
'Locks an organization (null: every organization) out of the API for anon and authenticated until lifted: '
'restrictive policies hide its rows and the client functions refuse it (42501); its admins can still read '
'notifications. Audited and notified. Rerunning returns the active lockdown (already_active) and writes nothing. '
'service_role only (42501); 22023 for a missing or invalid reason or an invalid incident (it may be null); P0002 '
'for an unknown organization.';

revoke all on function public.set_organization_lockdown(uuid, text, text) from public, anon, authenticated, service_role;
grant execute on function public.set_organization_lockdown(uuid, text, text) to service_role;

create function public.lift_organization_lockdown(p_organization_id uuid, p_reason text)
returns table (lockdown_id uuid, organization_id uuid, lifted_at timestamptz, was_active boolean)
language sql
volatile
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select * from private.lift_organization_lockdown(p_organization_id, p_reason);
$$;

comment on function public.lift_organization_lockdown(uuid, text) is
'Lifts the active lockdown of an organization (null: the global one; organization lockdowns stay). Audited and '
'notified. With nothing active it returns was_active = false and writes nothing. service_role only (42501); 22023 '
'for a missing or invalid reason; P0002 for an unknown organization.';

revoke all on function public.lift_organization_lockdown(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.lift_organization_lockdown(uuid, text) to service_role;
