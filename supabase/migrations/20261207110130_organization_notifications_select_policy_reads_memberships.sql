-- Issue 11: the select policy of public.organization_notifications reads
-- private.memberships, as 20261207110100 explains for organizations.
--
-- ALTER POLICY takes an ACCESS EXCLUSIVE lock on its table until commit. One
-- table per migration (20261207110100-110140), so that the migration never
-- holds one table while it waits for another, which deadlocks with clients
-- (see 20261207100300). lock_timeout bounds the wait behind long
-- transactions.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

alter policy organization_notifications_select_policy
on public.organization_notifications
to authenticated
using (
    organization_id = any(
        array(
            select ms.organization_id from private.memberships as ms
            where ms.role = 'admin'
        )
    )
);
