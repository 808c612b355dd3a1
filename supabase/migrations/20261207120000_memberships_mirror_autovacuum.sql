-- Issue 11: the select policies read private.memberships with an index-only
-- scan, which stays index-only only on pages the visibility map marks
-- all-visible. Every membership change clears its page's bit until the next
-- VACUUM, and then the lookup reads the heap once per membership: a caller
-- of 200 organizations measured 1.4x slower on a point lookup (decision
-- 0008). With the default thresholds autovacuum waits for 20% of the table
-- to change (and 1,000 inserts) before it comes back; the mirror is small,
-- so vacuum it after every 50 changes of any kind instead. A vacuum of the
-- mirror reads a few pages.
--
-- Setting autovacuum options takes a SHARE UPDATE EXCLUSIVE lock, which
-- reads and writes of the table do not wait for.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

alter table private.memberships set (
    autovacuum_vacuum_threshold = 50,
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 50,
    autovacuum_vacuum_insert_scale_factor = 0
);
