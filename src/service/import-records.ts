// Imports survey records: every row is checked before any is written (a bad row: nothing is);
// then they are upserted, in slices, and cases opened as the tenant's auto_open rule says.

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
import { badRow, parseNdjsonInSlices, parseRecordFile, type RecordFileFormat } from './record-files.js'
import { getTenant, type TenantRef } from './tenants.js'
import { inTransaction, withDatabase } from './transaction.js'
import { letWaitingWritesGo } from './waiting-writes.js'
import { queueImportEvents } from './webhooks/outbox.js'

/** An import that adds this many records refreshes the planner's statistics (store/statistics.ts). */
const BULK_LOAD_ROWS = 1_000
/**
 * Records written per transaction (~20 ms on SQLite): a larger file is written in slices, and the
 * other writes of the server (one writer on SQLite) go between them instead of waiting for the
 * whole file (~0.5 s per 10 MiB). Every row is checked before the first slice is written.
 */
export const IMPORT_SLICE_ROWS = 2_000

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
  const rows = format === 'ndjson' ? await parseNdjsonInSlices(text, letWaitingWritesGo) : parseRecordFile(text, format)
  const records: SurveyRecordInput[] = []
  for (const [i, row] of rows.entries()) {
    // Checked in slices too (~5 ms each): the writer thread answers other calls meanwhile.
    if (i > 0 && i % (IMPORT_SLICE_ROWS * 2) === 0) await letWaitingWritesGo()
    try {
      records.push(parseSurveyRecord(row.fields, row))
    } catch (error) {
      throw isFirehouseError(error) ? badRow(row.line, error.message, error) : error
    }
  }
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
  const report: ImportReport = { imported: 0, updated: 0, opened: 0 }
  for (let first = 0; first < cgids.length; first += IMPORT_SLICE_ROWS) {
    // Before the first slice too: the checks and the map above took their own few milliseconds.
    await letWaitingWritesGo()
    const slice = await importSlice(ctx, tenant.id, byCgid, cgids.slice(first, first + IMPORT_SLICE_ROWS), now)
    report.imported += slice.imported
    report.updated += slice.updated
    report.opened += slice.opened
    if (slice.opened > 0) ctx.outbox.notify()
    ctx.afterCommit?.()
  }
  if (report.imported >= BULK_LOAD_ROWS) await withDatabase(ctx, (db) => refreshStatisticsAfterBulkLoad(db, ctx.store.dialect))
  return report
}

/** One slice of an import's records (distinct CG-IDs), in one transaction. */
function importSlice(
  ctx: ServiceContext,
  tenantId: string,
  byCgid: ReadonlyMap<number, SurveyRecordInput>,
  cgids: readonly number[],
  now: string,
): Promise<ImportReport> {
  return inTransaction(ctx, async (trx) => {
    // Write first, as every writer does: it takes the write lock (waiting for it), whereas a SQLite
    // transaction that reads first fails with SQLITE_BUSY(_SNAPSHOT) when another process writes.
    // The rules as they are now, read under the lock: they may have changed a moment ago.
    const { extendedStatuses, rules } = await nextChangeSeq(trx, tenantId, 0)
    const existing = await existingRecordIds(trx, tenantId, cgids)
    await upsertRecords(trx, cgids.map((cgid) => toRow(tenantId, byCgid.get(cgid)!, now)))
    const opening = cgids.filter((cgid) => opensCase(rules.autoOpen, importedRecord(byCgid.get(cgid)!)))
    // Only a record that existed can have a case (cases_record, a foreign key; records are never deleted).
    const withCase = await existingCaseIds(trx, tenantId, opening.filter((cgid) => existing.has(cgid)))
    const toOpen = opening.filter((cgid) => !withCase.has(cgid))
    if (toOpen.length > 0) {
      const opened = statusForPhase('OPEN', extendedStatuses ? await listStatuses(trx, tenantId) : [])
      const { changeSeq: lastSeq } = await nextChangeSeq(trx, tenantId, toOpen.length)
      const firstSeq = lastSeq - toOpen.length + 1
      const cases = toOpen.map((cgid, i) => {
        const { next, entry } = applyChange(null, { actor: 'import' }, now, opened)
        return { cgid, state: next, entry, changeSeq: firstSeq + i }
      })
      await insertNewCases(trx, tenantId, cases)
      await queueImportEvents(trx, tenantId, cases)
    }
    return { imported: cgids.length - existing.size, updated: existing.size, opened: toOpen.length }
  })
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
