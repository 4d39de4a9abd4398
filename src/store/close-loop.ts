// The reads of v7's Close the Loop feed (SPEC §10): a tenant's cases in change order, and their notes.

import type { Kysely } from 'kysely'
import { casesInChangeOrder } from './case-reads.js'
import type { Case, Database } from './database.js'
import type { Dialect } from './dialect.js'

export interface CloseLoopQuery {
  /** Only changes after this value of the tenant's change sequence. */
  afterSeq: number
  /** Only cases whose latest change was recorded at or after this instant (ISO 8601 UTC, ms). */
  updatedFrom?: string
  /** Only cases whose latest change was recorded before this instant. */
  updatedBefore?: string
  limit: number
}

/** A tenant's cases in change order, after a point of the sequence (casesInChangeOrder, as the sync feed). */
export async function listCloseLoopChanges(db: Kysely<Database>, dialect: Dialect['name'], tenantId: string, query: CloseLoopQuery): Promise<Case[]> {
  let select = casesInChangeOrder(db, dialect, tenantId, query.afterSeq)
  if (query.updatedFrom !== undefined) select = select.where('c.updated_at', '>=', query.updatedFrom)
  if (query.updatedBefore !== undefined) select = select.where('c.updated_at', '<', query.updatedBefore)
  return select.orderBy('h.change_seq').limit(query.limit).execute()
}

/** One history entry's comment, by the entry's place in its case. */
export interface CommentedEntry {
  seq: number
  comment: string
}

/** The entries that have a comment, of several cases of a tenant, each case's oldest first. */
export async function listCommentedEntries(
  db: Kysely<Database>,
  tenantId: string,
  cgids: readonly number[],
): Promise<Map<number, CommentedEntry[]>> {
  const byCase = new Map<number, CommentedEntry[]>(cgids.map((cgid) => [cgid, []]))
  if (cgids.length === 0) return byCase
  const rows = await db
    .selectFrom('history_entries')
    .select(['number_customergauge', 'seq', 'comment'])
    .where('tenant_id', '=', tenantId)
    .where('number_customergauge', 'in', cgids)
    .where('comment', 'is not', null)
    .orderBy('number_customergauge')
    .orderBy('seq')
    .execute()
  for (const row of rows) byCase.get(Number(row.number_customergauge))?.push({ seq: Number(row.seq), comment: row.comment! })
  return byCase
}
