-- Issue 11: the select policies of the five organization tables read
-- private.memberships (20261207110000) instead of calling the security
-- definer helpers. Same rows for every caller: the mirror's own policy
-- limits it to the caller's memberships, as the helpers did with
-- (select auth.uid()). Still `= any(array(select ...))`, one array per
-- statement and an index condition (decision 0001). The insert, update and
-- delete policies keep the helpers: writes are rare and not measured here.
-- docs/decisions/0007-select-policies-read-a-membership-mirror.md.
--
-- ALTER POLICY takes an ACCESS EXCLUSIVE lock on its table for an instant:
-- lock_timeout bounds the wait behind long transactions.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

alter policy organizations_select_policy
on public.organizations
to authenticated
using (
    id = any(array(select ms.organization_id from private.memberships as ms))
);

alter policy organization_members_select_policy
on public.organization_members
to authenticated
using (
    organization_id = any(array(select ms.organization_id from private.memberships as ms))
);

alter policy organization_integrations_select_policy
on public.organization_integrations
to authenticated
using (
    organization_id = any(
        array(
            select ms.organization_id from private.memberships as ms
            where ms.role = any(array['admin', 'coordinator']::public.organization_role[])
        )
    )
);

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

alter policy credential_audit_select_policy
on public.credential_audit
to authenticated
using (
    organization_id = any(
        array(
            select ms.organization_id from private.memberships as ms
            where ms.role = 'admin'
        )
    )
);
