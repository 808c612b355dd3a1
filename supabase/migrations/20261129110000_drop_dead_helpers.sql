-- Drops two helpers that nothing calls but that were still executable by
-- authenticated and service_role, and so still allowlisted in the gates:
--   private.is_org_member(uuid), from 20261127100200: no policy or function
--     uses it; policies use private.has_org_role and private.user_org_ids*.
--   private.cron_value(integer, text), from 20261127200100: the cron
--     validators inline the same computation for speed.
-- A helper that is granted but unused is surface to review and keep safe.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- Dropping is deliberate: no client can call either one (schema private is
-- not exposed), and no object in the database depends on them.
-- squawk-ignore ban-drop-function
drop function private.is_org_member(uuid);
-- squawk-ignore ban-drop-function
drop function private.cron_value(integer, text);
