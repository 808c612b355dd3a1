-- Proves the helpers that nothing called are gone (20261129110000), so they
-- can no longer be executed by API roles, and that the checks which replaced
-- them still answer: membership through private.has_org_role and cron values
-- inside private.cron_expression_is_valid.

begin;

select plan(4);

-- acting as postgres (catalog checks)
select hasnt_function(
    'private', 'is_org_member', array['uuid'], 'DH-01: private.is_org_member(uuid) is dropped'
);
select hasnt_function(
    'private', 'cron_value', array['integer', 'text'], 'DH-02: private.cron_value(integer, text) is dropped'
);

-- acting as authenticated (a member of nothing)
select tests.create_named_user('outsider');
select tests.authenticate_as(tests.user_id('outsider'));

select ok(
    not private.has_org_role(tests.org_id('never created'), 'admin'),
    'DH-03: has_org_role still answers for a user of no organization'
);
select ok(
    private.cron_expression_is_valid('0 3 * jan-jun mon-fri')
    and not private.cron_expression_is_valid('0 3 * jan-foo *'),
    'DH-04: the cron validator still resolves month and day names without cron_value'
);

select * from finish();
rollback;
