-- Grows a store made by `apiuser init` and one `apiuser create` (the template: one real row, with a real
-- PHC hash, and its real audit row) to :count API users, in the shape apiuser itself writes them, so that
-- benchmarks on 100,000 or 1,000,000 users need not run a million creates. Run by tests/bench/bench.py
-- with the sqlite3 shell:  sqlite3 STORE ".parameter set :count N" ".read generate_store.sql"
--
-- The generated users differ from one another the way real ones do: distinct 12-hex ids in no particular
-- order (i * an odd constant, modulo 2^48, is a bijection), a description each, one in ten disabled and
-- one in fifty revoked (hash erased), one in two used, creation times a minute apart. They share the
-- template's hash string, which only `verify` would notice.

PRAGMA cache_size = -262144;  -- 256 MiB: the two unique indexes are filled in random order
BEGIN IMMEDIATE;

CREATE TEMP TABLE template AS SELECT password_hash, created_by FROM api_users ORDER BY seq LIMIT 1;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count - 1),
generated AS (
    SELECT i,
           printf('%012x', (i * 2654435761) % 281474976710656) AS id,
           'Integration ' || i AS description,
           CASE WHEN i % 50 = 0 THEN 'revoked' WHEN i % 10 = 0 THEN 'disabled' ELSE 'enabled' END AS status,
           strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i * 60, 'unixepoch') AS created_at,
           strftime('%Y-%m-%dT%H:%M:%SZ', 1800000000 + i * 60, 'unixepoch') AS used_at
    FROM n
)
INSERT OR IGNORE INTO api_users (id, username, description, description_key, status, password_hash, created_at,
                                 created_by, updated_at, updated_by, revoked_at, revoked_by, last_used_at)
SELECT generated.id,
       'apiuser-' || generated.id || '@' || account.domain,
       generated.description,
       lower(generated.description),
       generated.status,
       CASE WHEN generated.status = 'revoked' THEN NULL ELSE template.password_hash END,
       generated.created_at,
       template.created_by,
       generated.created_at,
       template.created_by,
       CASE WHEN generated.status = 'revoked' THEN generated.created_at END,
       CASE WHEN generated.status = 'revoked' THEN template.created_by END,
       CASE WHEN generated.i % 2 = 0 THEN generated.used_at END
FROM generated, template, account
ORDER BY generated.i;

-- One api_user.create entry per generated user, as the library writes it.
INSERT INTO audit_log (at, actor, action, target, details)
SELECT api_users.created_at, api_users.created_by, 'api_user.create', api_users.username,
       json_object('argon2', printf('m=%d,t=%d,p=%d', account.argon2_memory_kib, account.argon2_iterations,
                                    account.argon2_parallelism),
                   'description', api_users.description,
                   'password', 'provided',
                   'status', CASE WHEN api_users.status = 'disabled' THEN 'disabled' ELSE 'enabled' END)
FROM api_users, account
WHERE api_users.seq > (SELECT min(seq) FROM api_users)
ORDER BY api_users.seq;

COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
