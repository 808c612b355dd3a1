-- Demo data for local exploration: two organizations, an admin and a
-- coordinator in each, and a few integrations, one of them active with a
-- demo credential in Vault. Tests never use it.
-- Every user's password is "password123". Safe to run twice.

insert into auth.users (
    instance_id,
    id,
    aud,
    role,
    email,
    encrypted_password,
    email_confirmed_at,
    raw_app_meta_data,
    raw_user_meta_data,
    created_at,
    updated_at
)
values
(
    '00000000-0000-0000-0000-000000000000',
    'aaaaaaaa-0000-4000-8000-0000000000a1',
    'authenticated',
    'authenticated',
    'admin@acme.test',
    extensions.crypt('password123', extensions.gen_salt('bf')),
    pg_catalog.now(),
    '{"provider": "email", "providers": ["email"]}',
    '{"full_name": "Ada Admin"}',
    pg_catalog.now(),
    pg_catalog.now()
),
(
    '00000000-0000-0000-0000-000000000000',
    'aaaaaaaa-0000-4000-8000-0000000000c1',
    'authenticated',
    'authenticated',
    'coordinator@acme.test',
    extensions.crypt('password123', extensions.gen_salt('bf')),
    pg_catalog.now(),
    '{"provider": "email", "providers": ["email"]}',
    '{"full_name": "Cole Coordinator"}',
    pg_catalog.now(),
    pg_catalog.now()
),
(
    '00000000-0000-0000-0000-000000000000',
    'bbbbbbbb-0000-4000-8000-0000000000a1',
    'authenticated',
    'authenticated',
    'admin@globex.test',
    extensions.crypt('password123', extensions.gen_salt('bf')),
    pg_catalog.now(),
    '{"provider": "email", "providers": ["email"]}',
    '{"full_name": "Grace Admin"}',
    pg_catalog.now(),
    pg_catalog.now()
),
(
    '00000000-0000-0000-0000-000000000000',
    'bbbbbbbb-0000-4000-8000-0000000000c1',
    'authenticated',
    'authenticated',
    'coordinator@globex.test',
    extensions.crypt('password123', extensions.gen_salt('bf')),
    pg_catalog.now(),
    '{"provider": "email", "providers": ["email"]}',
    '{"full_name": "Gus Coordinator"}',
    pg_catalog.now(),
    pg_catalog.now()
)
on conflict (id) do nothing;

insert into public.organizations (id, name)
values
('aaaaaaaa-0000-4000-8000-000000000000', 'Acme Logistics'),
('bbbbbbbb-0000-4000-8000-000000000000', 'Globex Freight')
on conflict (id) do nothing;

insert into public.organization_members (organization_id, user_id, role)
values
('aaaaaaaa-0000-4000-8000-000000000000', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'admin'),
('aaaaaaaa-0000-4000-8000-000000000000', 'aaaaaaaa-0000-4000-8000-0000000000c1', 'coordinator'),
('bbbbbbbb-0000-4000-8000-000000000000', 'bbbbbbbb-0000-4000-8000-0000000000a1', 'admin'),
('bbbbbbbb-0000-4000-8000-000000000000', 'bbbbbbbb-0000-4000-8000-0000000000c1', 'coordinator')
on conflict (organization_id, user_id) do nothing;

insert into public.organization_integrations (
    id,
    organization_id,
    provider,
    display_name,
    status,
    field_mappings,
    sync_schedule,
    created_by
)
values
(
    'aaaaaaaa-1000-4000-8000-000000000001',
    'aaaaaaaa-0000-4000-8000-000000000000',
    'salesforce',
    'Salesforce (sales team)',
    'inactive',
    '{"version": 1, "mappings": [
        {"source": "Account.Name", "target": "customer_name", "transform": "trim", "required": true},
        {"source": "Account.BillingCity", "target": "city", "required": false}
    ]}',
    '{"version": 1, "mode": "cron", "cron": "0 2 * * *", "timezone": "Europe/Berlin", "enabled": true}',
    'aaaaaaaa-0000-4000-8000-0000000000a1'
),
(
    'aaaaaaaa-1000-4000-8000-000000000002',
    'aaaaaaaa-0000-4000-8000-000000000000',
    'hubspot',
    'HubSpot marketing',
    'inactive',
    '{"version": 1, "mappings": []}',
    '{"version": 1, "mode": "interval", "interval_minutes": 60, "timezone": "UTC", "enabled": false}',
    'aaaaaaaa-0000-4000-8000-0000000000a1'
),
(
    'aaaaaaaa-1000-4000-8000-000000000003',
    'aaaaaaaa-0000-4000-8000-000000000000',
    'google_sheets',
    'Weekly shipment export',
    'inactive',
    '{"version": 1, "mappings": [
        {"source": "A", "target": "shipment_id", "required": true},
        {"source": "B", "target": "eta", "transform": "to_date", "required": false}
    ]}',
    '{"version": 1, "mode": "cron", "cron": "0 6 * * mon", "timezone": "Europe/Berlin", "enabled": true}',
    'aaaaaaaa-0000-4000-8000-0000000000a1'
),
(
    'bbbbbbbb-1000-4000-8000-000000000001',
    'bbbbbbbb-0000-4000-8000-000000000000',
    'salesforce',
    'Salesforce',
    'inactive',
    '{"version": 1, "mappings": [
        {"source": "Contact.Email", "target": "email", "transform": "lowercase", "required": true}
    ]}',
    '{"version": 1, "mode": "cron", "cron": "30 3 * * *", "timezone": "America/Chicago", "enabled": true}',
    'bbbbbbbb-0000-4000-8000-0000000000a1'
),
(
    'bbbbbbbb-1000-4000-8000-000000000002',
    'bbbbbbbb-0000-4000-8000-000000000000',
    'hubspot',
    null,
    'inactive',
    '{"version": 1, "mappings": []}',
    '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}',
    'bbbbbbbb-0000-4000-8000-0000000000a1'
)
on conflict (id) do nothing;

-- One connected integration: store_credential (run here as postgres, a
-- privileged caller) puts a fake token in Vault and links it, after which the
-- integration may be active. Skipped when it is already linked.
select public.store_credential('aaaaaaaa-1000-4000-8000-000000000001', 'demo-token-not-a-real-secret')
where not exists (
    select 1
    from public.organization_integrations as i
    where i.id = 'aaaaaaaa-1000-4000-8000-000000000001' and i.vault_secret_id is not null
);

update public.organization_integrations
set status = 'active'
where id = 'aaaaaaaa-1000-4000-8000-000000000001';
