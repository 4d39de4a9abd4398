// Use case: replace a tenant's extended status set from a file of code,label,phase rows.

import { FirehouseError, isFirehouseError } from '../domain/errors.js'
import { isPhase, MAX_STATUS_CODE, MIN_STATUS_CODE, PHASES, type ExtendedStatus } from '../domain/status.js'
import { replaceStatuses } from '../store/statuses.js'
import type { ServiceContext } from './context.js'
import { badRow, parseRecordFile, type RecordFileFormat } from './record-files.js'
import { getTenant } from './tenants.js'
import { inTransaction } from './transaction.js'

const MAX_LABEL_LENGTH = 100

export async function setStatusesFromFile(
  ctx: ServiceContext,
  tenantSlug: string,
  text: string,
  format: RecordFileFormat,
): Promise<{ statuses: ExtendedStatus[]; extendedEnabled: boolean }> {
  const statuses = parseRecordFile(text, format).map(({ line, fields }) => {
    try {
      return parseStatusRow(fields)
    } catch (error) {
      throw isFirehouseError(error) ? badRow(line, error.message, error) : error
    }
  })
  checkUnique(statuses)
  const tenant = await getTenant(ctx, tenantSlug)
  await inTransaction(ctx, (trx) => replaceStatuses(trx, tenant.id, statuses))
  return { statuses, extendedEnabled: tenant.extended_statuses === 1 }
}

function parseStatusRow(fields: Record<string, unknown>): ExtendedStatus {
  const code = Number(typeof fields.code === 'string' ? fields.code.trim() : fields.code)
  if (!Number.isInteger(code) || code < MIN_STATUS_CODE || code > MAX_STATUS_CODE || fields.code === '') {
    throw new FirehouseError('INVALID_ARGUMENT', `code must be an integer from ${MIN_STATUS_CODE} to ${MAX_STATUS_CODE}`)
  }
  const label = typeof fields.label === 'string' ? fields.label.trim() : ''
  if (label === '' || label.length > MAX_LABEL_LENGTH) {
    throw new FirehouseError('INVALID_ARGUMENT', `label must be 1 to ${MAX_LABEL_LENGTH} characters`)
  }
  const phase = typeof fields.phase === 'string' ? fields.phase.trim().toUpperCase() : ''
  if (!isPhase(phase)) throw new FirehouseError('INVALID_ARGUMENT', `phase must be one of ${PHASES.join(', ')}`)
  return { code, label, phase }
}

function checkUnique(statuses: readonly ExtendedStatus[]): void {
  const codes = new Set(statuses.map((status) => status.code))
  const labels = new Set(statuses.map((status) => status.label.toLowerCase()))
  if (codes.size !== statuses.length || labels.size !== statuses.length) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Each code and each label may appear only once')
  }
}
