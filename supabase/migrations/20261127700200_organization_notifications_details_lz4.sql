-- Compresses public.organization_notifications.details (20261127200600) with
-- lz4 instead of the default pglz. public.repair_integration_configs
-- (20261127200700) adds each batch to the run's notification of every
-- affected organization, so a run that repairs many rows rewrites documents of
-- hundreds of kilobytes once per batch. Compressing them with pglz took about
-- 0.9 s of a 5.6 s repair of 100,000 invalid rows; lz4 is several times
-- faster. What is stored and what clients read are unchanged, and existing
-- values keep their compression until they are rewritten.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

do $compression$
begin
    -- Servers built without lz4 (older Supabase images among them) keep pglz.
    if exists (
        select
        from pg_catalog.pg_settings as s
        where s.name = 'default_toast_compression' and 'lz4' = any(s.enumvals)
    ) then
        -- Catalog-only: no rewrite, and the ACCESS EXCLUSIVE lock is brief.
        alter table public.organization_notifications alter column details set compression lz4;
    else
        raise notice 'lz4 is not available on this server: organization_notifications.details stays pglz';
    end if;
end;
$compression$;
