-- Issue 11: the select policies of the five organization tables read
-- private.memberships (20261207110000) instead of calling the security
-- definer helpers, one table per migration: this file for organizations,
-- 20261207110110-110140 for the other four. Same rows for every caller: the
-- mirror's own policy limits it to the caller's memberships, as the helpers
-- did with (select auth.uid()). Still `= any(array(select ...))`, one array
-- per statement and an index condition (decision 0001). The insert, update
-- and delete policies keep the helpers: writes are rare and not measured
-- here. docs/decisions/0007-select-policies-read-a-membership-mirror.md.
--
-- ALTER POLICY takes an ACCESS EXCLUSIVE lock on its table until commit. One
-- table per migration (20261207110100-110140), so that the migration never
-- holds one table while it waits for another, which deadlocks with clients
-- (see 20261207100300). lock_timeout bounds the wait behind long
-- transactions.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

alter policy organizations_select_policy
on public.organizations
to authenticated
using (
    id = any(array(select ms.organization_id from private.memberships as ms))
);
