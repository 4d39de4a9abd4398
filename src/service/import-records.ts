// Imports survey records, all or nothing: upserts them and opens cases as the tenant's auto_open rule says.

import { applyChange } from '../domain/case.js'
import { isFirehouseError } from '../domain/errors.js'
import { statusForPhase } from '../domain/status.js'
import { knownFieldsOf, parseSurveyRecord, recordField, type SurveyRecordInput } from '../domain/survey-record.js'
import { opensCase } from '../domain/workflow-rules.js'
import { existingCaseIds } from '../store/case-reads.js'
import { insertNewCases } from '../store/case-writes.js'
import type { SurveyRecord } from '../store/database.js'
import { existingRecordIds, upsertRecords } from '../store/records.js'
import { refreshStatisticsAfterBulkLoad } from '../store/statistics.js'
import { listStatuses } from '../store/statuses.js'
import { nextChangeSeq } from '../store/tenants.js'
import { isoNow, type ServiceContext } from './context.js'
import { badRow, parseRecordFile, type RecordFileFormat } from './record-files.js'
import { getTenant, type TenantRef } from './tenants.js'
import { inTransaction, withDatabase } from './transaction.js'
import { queueImportEvents } from './webhooks/outbox.js'

/** An import that adds this many records refreshes the planner's statistics (store/statistics.ts). */
const BULK_LOAD_ROWS = 1_000

export interface ImportReport {
  /** Records that did not exist before. */
  imported: number
  /** Records that existed and were replaced. */
  updated: number
  /** Cases auto-opened by the tenant's auto_open rule (SPEC §9). */
  opened: number
}

/** Imports a whole file's text; a bad row rejects the file, naming the row's line. */
export async function importRecordFile(
  ctx: ServiceContext,
  ref: TenantRef,
  text: string,
  format: RecordFileFormat,
): Promise<ImportReport> {
  // On the writer thread the parsing, too, is off the request thread (a 10 MiB file takes a second).
  if (ctx.writerThread) return ctx.writerThread.importRecordFile(ref, text, format)
  const records = parseRecordFile(text, format).map((row) => {
    try {
      return parseSurveyRecord(row.fields, row)
    } catch (error) {
      throw isFirehouseError(error) ? badRow(row.line, error.message, error) : error
    }
  })
  return importRecords(ctx, ref, records)
}

export async function importRecords(
  ctx: ServiceContext,
  ref: TenantRef,
  records: readonly SurveyRecordInput[],
): Promise<ImportReport> {
  const tenant = await getTenant(ctx, ref)
  // A CG-ID given twice in one import: the later row wins, as a second import would.
  const byCgid = new Map(records.map((record) => [record.numberCustomergauge, record]))
  const cgids = [...byCgid.keys()]
  const now = isoNow(ctx)
  const report = await inTransaction(ctx, async (trx) => {
    // Write first, as every writer does: it takes the write lock (waiting for it), whereas a SQLite
    // transaction that reads first fails with SQLITE_BUSY(_SNAPSHOT) when another process writes.
    // The rules as they are now, read under the lock: they may have changed a moment ago.
    const { extendedStatuses, rules } = await nextChangeSeq(trx, tenant.id, 0)
    const existing = await existingRecordIds(trx, tenant.id, cgids)
    await upsertRecords(trx, [...byCgid.values()].map((record) => toRow(tenant.id, record, now)))
    const opening = cgids.filter((cgid) => opensCase(rules.autoOpen, importedRecord(byCgid.get(cgid)!)))
    const withCase = await existingCaseIds(trx, tenant.id, opening)
    const toOpen = opening.filter((cgid) => !withCase.has(cgid))
    if (toOpen.length > 0) {
      const opened = statusForPhase('OPEN', extendedStatuses ? await listStatuses(trx, tenant.id) : [])
      const { changeSeq: lastSeq } = await nextChangeSeq(trx, tenant.id, toOpen.length)
      const firstSeq = lastSeq - toOpen.length + 1
      const cases = toOpen.map((cgid, i) => {
        const { next, entry } = applyChange(null, { actor: 'import' }, now, opened)
        return { cgid, state: next, entry, changeSeq: firstSeq + i }
      })
      await insertNewCases(trx, tenant.id, cases)
      await queueImportEvents(trx, tenant.id, cases)
    }
    return { imported: cgids.length - existing.size, updated: existing.size, opened: toOpen.length }
  })
  if (report.opened > 0) ctx.outbox.notify()
  if (report.imported >= BULK_LOAD_ROWS) await withDatabase(ctx, (db) => refreshStatisticsAfterBulkLoad(db, ctx.store.dialect))
  return report
}

/** A record as the auto-open rule reads it: its NPS, and any field by the name the import gave it. */
function importedRecord(record: SurveyRecordInput) {
  return { nps: record.nps, field: (name: string) => recordField(record, name) }
}

function toRow(tenantId: string, record: SurveyRecordInput, now: string): SurveyRecord {
  return {
    tenant_id: tenantId,
    ...knownFieldsOf(record),
    extra: JSON.stringify(record.extra),
    created_at: now,
    updated_at: now,
  }
}
