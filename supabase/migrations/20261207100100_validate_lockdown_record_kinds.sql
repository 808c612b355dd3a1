-- Validates the two checks that 20261207100000 replaced NOT VALID. Every
-- existing row already satisfies them (the lists only grew), and VALIDATE
-- holds just a SHARE UPDATE EXCLUSIVE lock, so reads and writes continue.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

alter table public.credential_audit
validate constraint credential_audit_action_name_check;

alter table public.organization_notifications
validate constraint organization_notifications_kind_check;
