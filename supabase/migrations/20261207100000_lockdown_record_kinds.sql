-- Issue 13: lets the organization lockdown (20261207100200) record what it
-- did. credential_audit_action_name_check (last set by 20261127600000) gains
-- 'lockdown_set' and 'lockdown_lifted'; organization_notifications_kind_check
-- gains 'organization_locked_down' and 'organization_lockdown_lifted', the
-- notices an organization's admins read. Both are replaced NOT VALID, so the
-- ACCESS EXCLUSIVE locks are brief and scan nothing; 20261207100100
-- validates them.
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
        'emergency_revoke',
        'lockdown_set',
        'lockdown_lifted'
    )
) not valid;

alter table public.organization_notifications
-- squawk-ignore ban-drop-constraint
drop constraint organization_notifications_kind_check,
add constraint organization_notifications_kind_check check (
    kind in (
        'integration_config_repaired',
        'credentials_revoked',
        'organization_locked_down',
        'organization_lockdown_lifted'
    )
) not valid;

comment on column public.organization_notifications.details is
'Kind-specific payload. integration_config_repaired: {"integration_count": n, "integrations": [{"id", "provider", '
'"display_name", "field_mappings_reset", "sync_schedule_reset", "deactivated", "field_mappings_problems", '
'"sync_schedule_problems"}]}. credentials_revoked: {"incident", "integration_count": n, "integrations": [{"id", '
'"provider", "display_name", "status_before"}], "action_required"}. organization_locked_down and '
'organization_lockdown_lifted: {"lockdown_id", "scope" ("organization" or "global"), "incident", "reason", '
'"set_at" or "lifted_at"}.';
