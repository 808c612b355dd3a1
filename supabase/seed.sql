-- Demo data for local exploration: two organizations, an admin and a
-- coordinator in each, and a few inactive integrations. Tests never use it.
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
    '{"Account.Name": "customer_name", "Account.BillingCity": "city"}',
    '{"frequency": "daily", "at": "02:00", "timezone": "Europe/Berlin"}',
    'aaaaaaaa-0000-4000-8000-0000000000a1'
),
(
    'aaaaaaaa-1000-4000-8000-000000000002',
    'aaaaaaaa-0000-4000-8000-000000000000',
    'hubspot',
    'HubSpot marketing',
    'inactive',
    '{}',
    '{"frequency": "hourly"}',
    'aaaaaaaa-0000-4000-8000-0000000000a1'
),
(
    'aaaaaaaa-1000-4000-8000-000000000003',
    'aaaaaaaa-0000-4000-8000-000000000000',
    'google_sheets',
    'Weekly shipment export',
    'inactive',
    '{"A": "shipment_id", "B": "eta"}',
    '{"frequency": "weekly", "day": "monday"}',
    'aaaaaaaa-0000-4000-8000-0000000000a1'
),
(
    'bbbbbbbb-1000-4000-8000-000000000001',
    'bbbbbbbb-0000-4000-8000-000000000000',
    'salesforce',
    'Salesforce',
    'inactive',
    '{"Contact.Email": "email"}',
    '{"frequency": "daily", "at": "03:30", "timezone": "America/Chicago"}',
    'bbbbbbbb-0000-4000-8000-0000000000a1'
),
(
    'bbbbbbbb-1000-4000-8000-000000000002',
    'bbbbbbbb-0000-4000-8000-000000000000',
    'hubspot',
    null,
    'inactive',
    '{}',
    '{}',
    'bbbbbbbb-0000-4000-8000-0000000000a1'
)
on conflict (id) do nothing;
