-- Issue 10, part 4: planner statistics leak counts across organizations.
-- Equality is leakproof, so an admin's EXPLAIN (or PostgREST's
-- `Prefer: count=planned`) on organization_integrations estimated
-- `provider = 'x'` from every organization's rows: how many integrations, in
-- all organizations, use a provider. Amends 20261127100300: ANALYZE no longer
-- gathers statistics on provider, and the ones gathered so far are dropped.
-- organization_id keeps its statistics (plans depend on them); the residual
-- leak and the measurements are in docs/decisions/planner-statistics.md.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

alter table public.organization_integrations alter column provider set statistics 0;

-- `set statistics 0` keeps what ANALYZE gathered before, and postgres (no
-- superuser on Supabase) cannot delete from pg_statistic. Re-declaring the
-- column's own type drops its statistics: text to text needs no rewrite and
-- keeps every constraint (they are re-checked, a scan of this small table).
-- squawk-ignore changing-column-type
alter table public.organization_integrations alter column provider type text;
