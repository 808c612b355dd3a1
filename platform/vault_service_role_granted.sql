-- Vault with service_role grants, as on Supabase image 15.8.1.105 (the
-- reference catalog): usage, select and delete, and the two functions.
-- `run_pgtap.py --service-role-vault granted` installs it; CI runs the suite
-- under both variants.
grant usage on schema vault to service_role;
grant select, delete on table vault.secrets, vault.decrypted_secrets to service_role;
grant execute on function vault.create_secret(text, text, text, uuid) to service_role;
grant execute on function vault.update_secret(uuid, text, text, text, uuid) to service_role;
grant execute on function vault._decrypt(text, bytea) to service_role;
