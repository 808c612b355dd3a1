-- Amends the mirror trigger of 20261207110000: after a TRUNCATE of
-- organization_members it empties private.memberships with DELETE instead of
-- TRUNCATE. A TRUNCATE that names both tables (a reset of every table, as
-- the pytest suite's --db-url clean-up does) ran the trigger while the same
-- statement still held the mirror, and PostgreSQL refuses to truncate a table
-- in use by the current statement (55006): the whole statement failed.
-- DELETE has no such rule; after such a statement it finds no row left. A
-- TRUNCATE of organization_members alone is rare (the owner only), so the
-- slower DELETE costs nothing that matters. Same signature, same grants; no
-- table is locked.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- security definer: admins add and remove members as authenticated, which
-- may not write the mirror.
create or replace function private.organization_members_mirror()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op = 'TRUNCATE' then
        delete from private.memberships;
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        delete from private.memberships as ms
        where ms.user_id = old.user_id and ms.organization_id = old.organization_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into private.memberships (user_id, organization_id, role)
        values (new.user_id, new.organization_id, new.role);
    end if;
    return null;
end;
$$;
