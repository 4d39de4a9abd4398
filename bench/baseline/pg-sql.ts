// The PostgreSQL baseline's one statement: auth, checks, change_seq, case and history in one round trip.
// $1 key hash, $2 region, $3 CG-ID, $4 phase or null, $5 assignee (lower case) or null, $6 comment, $7 now.

export const UPDATE_WORKFLOW = `
WITH k AS (
  SELECT a.id AS key_id, a.tenant_id FROM api_keys a JOIN tenants t ON t.id = a.tenant_id
  WHERE a.hash = $1 AND a.revoked_at IS NULL AND t.region = $2 AND t.extended_statuses = 0
), r AS (
  SELECT k.key_id, k.tenant_id FROM k
  JOIN records rec ON rec.tenant_id = k.tenant_id AND rec.number_customergauge = $3::bigint
), u AS (
  SELECT users.email FROM users JOIN r ON users.tenant_id = r.tenant_id
  WHERE users.email_lower = $5::text AND users.active = 1
), ok AS (
  SELECT r.key_id, r.tenant_id FROM r WHERE $5::text IS NULL OR EXISTS (SELECT 1 FROM u)
), seq AS (
  UPDATE tenants t SET change_seq = t.change_seq + 1 FROM ok WHERE t.id = ok.tenant_id RETURNING t.change_seq
), cur AS (
  SELECT c.* FROM cases c JOIN ok ON c.tenant_id = ok.tenant_id WHERE c.number_customergauge = $3::bigint FOR UPDATE OF c
), s AS (
  SELECT ok.tenant_id, ok.key_id, seq.change_seq, cur.status AS status_from, cur.status_label AS label_from,
    cur.assigned_to AS assigned_from, coalesce($4::text, cur.status, 'OPEN') AS status_to,
    CASE WHEN $4::text IS NULL THEN cur.status_code END AS code_to,
    coalesce($4::text, cur.status_label, 'OPEN') AS label_to,
    coalesce((SELECT email FROM u), cur.assigned_to) AS assigned_to,
    coalesce(cur.opened_at, $7::text) AS opened_at, cur.followed_up_at, cur.closed_at,
    coalesce(cur.history_count, 0) + 1 AS history_count
  FROM ok CROSS JOIN seq LEFT JOIN cur ON true
), up AS (
  INSERT INTO cases (tenant_id, number_customergauge, status, status_code, status_label, assigned_to, opened_at,
    followed_up_at, closed_at, updated_at, history_count, change_seq)
  SELECT tenant_id, $3::bigint, status_to, code_to, label_to, assigned_to, opened_at,
    CASE WHEN status_to = 'OPEN' THEN NULL ELSE coalesce(followed_up_at, $7::text) END,
    CASE WHEN status_to = 'CLOSED' THEN coalesce(closed_at, $7::text) END,
    $7::text, history_count, change_seq
  FROM s
  ON CONFLICT (tenant_id, number_customergauge) DO UPDATE SET status = excluded.status,
    status_code = excluded.status_code, status_label = excluded.status_label, assigned_to = excluded.assigned_to,
    followed_up_at = excluded.followed_up_at, closed_at = excluded.closed_at, updated_at = excluded.updated_at,
    history_count = excluded.history_count, change_seq = excluded.change_seq
  RETURNING history_count
)
INSERT INTO history_entries (tenant_id, number_customergauge, seq, at, actor, status_from, status_to,
  status_label_from, status_label_to, assigned_from, assigned_to, comment)
SELECT s.tenant_id, $3::bigint, up.history_count, $7::text, 'key:' || s.key_id, s.status_from, s.status_to,
  s.label_from, s.label_to, s.assigned_from, s.assigned_to, $6::text
FROM s CROSS JOIN up
RETURNING seq`

/** Off the hot path: why the statement changed nothing (which check failed). */
export const DIAGNOSE = `
SELECT a.id IS NOT NULL AND a.revoked_at IS NULL AND t.region = $2 AS key_ok, t.extended_statuses,
  EXISTS (SELECT 1 FROM records r WHERE r.tenant_id = a.tenant_id AND r.number_customergauge = $3::bigint) AS record_ok
FROM (SELECT 1) one LEFT JOIN api_keys a ON a.hash = $1 LEFT JOIN tenants t ON t.id = a.tenant_id`
