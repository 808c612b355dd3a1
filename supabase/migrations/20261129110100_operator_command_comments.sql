-- The breach runbook's command moved from tools/emergency_revoke.py into the
-- package, as `org-integrations emergency-revoke`. The function comment from
-- 20261127600200 named the old path, and comments are what an operator reads
-- in the dashboard: point it at the command. Nothing else changes.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

comment on function public.emergency_revoke_credentials(uuid, text, boolean) is
'Breach runbook (`org-integrations emergency-revoke`): revokes every integration credential of the organization '
'(Vault secrets deleted, integrations inactive), writes audit rows and one credentials_revoked notification for its '
'admins; returns the integrations it revoked. p_dry_run: report only. Idempotent. service_role only. '
'Errors: 42501 not allowed, P0002 unknown organization, 22023 blank or over-200-character incident.';
