// The SQLite baseline's statements, on the project's schema (also explained by bench/query-plans.ts).

/** Key by hash with its tenant's region: one index lookup (api_keys.hash is UNIQUE). */
export const SELECT_KEY = `SELECT k.id AS key_id, k.tenant_id, k.revoked_at, t.region
  FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.hash = ?`

/** Takes the next change sequence number; returns whether the tenant uses extended statuses. */
export const BUMP_CHANGE_SEQ = `UPDATE tenants SET change_seq = change_seq + 1 WHERE id = ?
  RETURNING change_seq, extended_statuses`

export const SELECT_RECORD = `SELECT 1 FROM records WHERE tenant_id = ? AND number_customergauge = ?`

export const SELECT_STATUSES = `SELECT code, label, phase FROM statuses WHERE tenant_id = ? ORDER BY code`

export const SELECT_USER = `SELECT email FROM users WHERE tenant_id = ? AND email_lower = ? AND active = 1`

export const SELECT_CASE = `SELECT status, status_code, status_label, assigned_to, opened_at, followed_up_at, closed_at,
  history_count FROM cases WHERE tenant_id = ? AND number_customergauge = ?`

export const UPSERT_CASE = `INSERT INTO cases (tenant_id, number_customergauge, status, status_code, status_label,
    assigned_to, opened_at, followed_up_at, closed_at, updated_at, history_count, change_seq)
  VALUES (@tenant_id, @number_customergauge, @status, @status_code, @status_label, @assigned_to, @opened_at,
    @followed_up_at, @closed_at, @updated_at, @history_count, @change_seq)
  ON CONFLICT (tenant_id, number_customergauge) DO UPDATE SET status = excluded.status,
    status_code = excluded.status_code, status_label = excluded.status_label, assigned_to = excluded.assigned_to,
    followed_up_at = excluded.followed_up_at, closed_at = excluded.closed_at, updated_at = excluded.updated_at,
    history_count = excluded.history_count, change_seq = excluded.change_seq`

export const INSERT_HISTORY = `INSERT INTO history_entries (tenant_id, number_customergauge, seq, at, actor, status_from,
    status_to, status_label_from, status_label_to, assigned_from, assigned_to, comment)
  VALUES (@tenant_id, @number_customergauge, @seq, @at, @actor, @status_from, @status_to, @status_label_from,
    @status_label_to, @assigned_from, @assigned_to, @comment)`

/** The hot-path statements by name, with sample parameters, for EXPLAIN QUERY PLAN. */
export const HOT_PATH: readonly { name: string; sql: string }[] = [
  { name: 'key by hash', sql: SELECT_KEY },
  { name: 'bump change_seq', sql: BUMP_CHANGE_SEQ },
  { name: 'record', sql: SELECT_RECORD },
  { name: 'case', sql: SELECT_CASE },
  { name: 'upsert case', sql: UPSERT_CASE },
  { name: 'insert history', sql: INSERT_HISTORY },
]
