-- Issue 6: lets the emergency credential revoke (20261127600200) record what
-- it did. Amends two checks: credential_audit_action_name_check
-- (20261127300000) gains 'emergency_revoke', one organization-level row per
-- incident; organization_notifications_kind_check (20261127200600) gains
-- 'credentials_revoked', the notice telling admins to rotate and re-enter
-- their credentials. Both are replaced NOT VALID, so the ACCESS EXCLUSIVE
-- locks are brief and scan nothing; 20261127600100 validates them.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- Each check is dropped and re-added with a longer list in one statement, so
-- no row goes unchecked in between and the names stay the same.
alter table public.credential_audit
-- squawk-ignore ban-drop-constraint
drop constraint credential_audit_action_name_check,
add constraint credential_audit_action_name_check check (
    action_name in (
        'store',
        'rotate',
        'retrieve',
        'revoke',
        'delete_with_integration',
        'relink',
        'deactivate_missing_credential',
        'emergency_revoke'
    )
) not valid;

alter table public.organization_notifications
-- squawk-ignore ban-drop-constraint
drop constraint organization_notifications_kind_check,
add constraint organization_notifications_kind_check check (
    kind in ('integration_config_repaired', 'credentials_revoked')
) not valid;

comment on column public.organization_notifications.details is
'Kind-specific payload. integration_config_repaired: {"integration_count": n, "integrations": [{"id", "provider", '
'"display_name", "field_mappings_reset", "sync_schedule_reset", "deactivated", "field_mappings_problems", '
'"sync_schedule_problems"}]}. credentials_revoked: {"incident", "integration_count": n, "integrations": [{"id", '
'"provider", "display_name", "status_before"}], "action_required"}.';
