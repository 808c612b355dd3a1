-- Issue 4: give organization_integrations.field_mappings and .sync_schedule
-- defaults that satisfy the version 1 schemas (20261127200200). The base
-- migration (20261127100300) defaulted both to '{}', which the CHECK
-- constraints added next reject. The defaults are also the safe state that
-- public.repair_integration_configs (20261127200700) resets invalid documents
-- to: no mappings, and a manual schedule that is switched off.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- Catalog-only change: existing rows keep their values.
alter table public.organization_integrations
alter column field_mappings set default '{"version": 1, "mappings": []}'::jsonb;

alter table public.organization_integrations
alter column sync_schedule set default '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'::jsonb;
