// The migration set, in order; one set for SQLite and PostgreSQL.

import type { Migration, MigrationProvider } from 'kysely'
import * as tenants from './2026-11-28-01-tenants.js'
import * as recordsCases from './2026-11-28-02-records-cases.js'
import * as idempotencyKeys from './2026-11-28-03-idempotency-keys.js'
import * as caseReads from './2026-11-28-04-case-reads.js'
import * as people from './2026-12-04-05-people.js'
import * as serverSecrets from './2026-12-04-06-server-secrets.js'
import * as webhooks from './2026-12-04-09-webhooks.js'
import * as workflowRules from './2026-12-04-10-workflow-rules.js'
import * as happenedAt from './2026-12-04-11-happened-at.js'
import * as oauthApps from './2026-12-04-12-oauth-apps.js'
import * as changeLog from './2026-12-07-13-change-log.js'
import * as boardByChange from './2026-12-07-14-board-by-change.js'

const MIGRATIONS: Record<string, Migration> = {
  '2026-11-28-01-tenants': tenants,
  '2026-11-28-02-records-cases': recordsCases,
  '2026-11-28-03-idempotency-keys': idempotencyKeys,
  '2026-11-28-04-case-reads': caseReads,
  '2026-12-04-05-people': people,
  '2026-12-04-06-server-secrets': serverSecrets,
  '2026-12-04-09-webhooks': webhooks,
  '2026-12-04-10-workflow-rules': workflowRules,
  '2026-12-04-11-happened-at': happenedAt,
  '2026-12-04-12-oauth-apps': oauthApps,
  '2026-12-07-13-change-log': changeLog,
  '2026-12-07-14-board-by-change': boardByChange,
}

/** Serves the migrations from this folder's static imports (no file-system scanning). */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
}
