// Reading a tenant's cases from the command line: a page of the feed, or all of it as CSV/NDJSON.

import { FirehouseError } from '../../domain/errors.js'
import { listCases, MAX_PER_PAGE } from '../../service/case-feed.js'
import type { ServiceContext } from '../../service/context.js'
import { tenantIdOf } from '../../service/tenants.js'
import { CASE_COLUMNS, casesToCsv } from '../case-table.js'
import type { CliEnvironment, Command, OptionSpecs, OptionValues } from '../command.js'
import { table } from '../output.js'

const FILTER_OPTIONS: OptionSpecs = {
  status: { type: 'string' },
  'assigned-to': { type: 'string' },
  'updated-since': { type: 'string' },
}

const EXPORT_FORMATS = ['csv', 'ndjson'] as const
type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const CASE_COMMANDS: Record<string, Command> = {
  'cases list': {
    usage: 'cases list <tenant> [--status S] [--assigned-to E] [--updated-since T] [--per-page N] [--cursor C]',
    summary: 'One page of the tenant\'s cases in change order, and the cursor to read on from',
    args: ['tenant'],
    options: { ...FILTER_OPTIONS, 'per-page': { type: 'string' }, cursor: { type: 'string' } },
    async run({ args, values, open }) {
      const ctx = await open()
      const page = await listCases(ctx, await tenantIdOf(ctx, args[0]!), {
        ...filtersOf(values),
        perPage: values['per-page'] === undefined ? undefined : Number(values['per-page']),
        cursor: values.cursor as string | undefined,
      })
      const more = page.end_of_stream ? 'End of the feed; resume later with' : 'More: read on with'
      return { text: `${table(page.data, [...CASE_COLUMNS])}\n${more} --cursor ${page.next_cursor}`, json: page }
    },
  },
  'cases export': {
    usage: 'cases export <tenant> --format csv|ndjson [--status S] [--assigned-to E] [--updated-since T]',
    summary: 'Write all of the tenant\'s cases to standard output (CSV rows, or NDJSON with history)',
    args: ['tenant'],
    options: { ...FILTER_OPTIONS, format: { type: 'string' } },
    async run({ args, values, open, io }) {
      const format = exportFormatOf(values.format)
      const ctx = await open()
      await exportCases(ctx, await tenantIdOf(ctx, args[0]!), filtersOf(values), format, io)
    },
  },
}

function filtersOf(values: OptionValues) {
  return {
    status: values.status as string | undefined,
    assignedTo: values['assigned-to'] as string | undefined,
    updatedSince: values['updated-since'] as string | undefined,
  }
}

function exportFormatOf(value: OptionValues[string]): ExportFormat {
  if (!(EXPORT_FORMATS as readonly unknown[]).includes(value)) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: --format must be csv or ndjson')
  }
  return value as ExportFormat
}

/** Pages through the feed to its end, writing each page as it comes: memory stays one page. */
async function exportCases(
  ctx: ServiceContext,
  tenantId: string,
  filters: ReturnType<typeof filtersOf>,
  format: ExportFormat,
  io: CliEnvironment,
): Promise<void> {
  let cursor: string | undefined
  let first = true
  for (;;) {
    const page = await listCases(ctx, tenantId, { ...filters, perPage: MAX_PER_PAGE, cursor })
    if (format === 'csv' && (page.data.length > 0 || first)) io.stdout(casesToCsv(page.data, first).trimEnd())
    if (format === 'ndjson' && page.data.length > 0) io.stdout(page.data.map((entry) => JSON.stringify(entry)).join('\n'))
    first = false
    if (page.end_of_stream) return
    cursor = page.next_cursor
  }
}
