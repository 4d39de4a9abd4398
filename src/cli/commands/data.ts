// Operator commands for survey records, extended statuses and reading a case.

import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { FirehouseError, isFirehouseError } from '../../domain/errors.js'
import { parseCgid } from '../../domain/workflow-input.js'
import { showCase } from '../../service/case-view.js'
import { importRecordFile } from '../../service/import-records.js'
import { sniffRecordFileFormat, type RecordFileFormat } from '../../service/record-files.js'
import { setStatusesFromFile } from '../../service/statuses.js'
import type { CliEnvironment, Command } from '../command.js'
import { table } from '../output.js'
import { decodeUtf8Input } from '../utf8-input.js'

const FORMAT_BY_EXTENSION: Record<string, RecordFileFormat> = {
  '.csv': 'csv',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
}

export const DATA_COMMANDS: Record<string, Command> = {
  'records import': {
    usage: 'records import <tenant> <file.csv|file.json|file.ndjson|->',
    summary: 'Import survey records (a bad row imports nothing); detractors get an OPEN case',
    args: ['tenant', 'file'],
    async run({ args, io, open }) {
      const { text, format } = await readInputFile(args[1]!, io)
      const report = await importRecordFile(await open(), args[0]!, text, format)
      return {
        text: `Imported ${report.imported} new and ${report.updated} updated records; opened ${report.opened} cases`,
        json: report,
      }
    },
  },
  'statuses set': {
    usage: 'statuses set <tenant> <file.csv|file.json>',
    summary: 'Replace the tenant\'s extended status set (rows code,label,phase)',
    args: ['tenant', 'file'],
    async run({ args, io, open }) {
      const { text, format } = await readInputFile(args[1]!, io)
      const { statuses, extendedEnabled } = await setStatusesFromFile(await open(), args[0]!, text, format)
      const note = extendedEnabled ? '' : '\nNote: this tenant has extended statuses turned off; the set is stored but not used.'
      return { text: `Set ${statuses.length} statuses\n${table(statuses, ['code', 'label', 'phase'])}${note}`, json: statuses }
    },
  },
  'case show': {
    usage: 'case show <tenant> <cgid>',
    summary: 'Show a record\'s case as JSON, history included',
    args: ['tenant', 'cgid'],
    async run({ args, open }) {
      const json = await showCase(await open(), args[0]!, parseCgid(args[1]!.trim()))
      return { text: JSON.stringify(json, null, 2), json }
    },
  },
}

/** Reads a named file or standard input ('-'); the format comes from the extension, else the content. */
async function readInputFile(name: string, io: CliEnvironment): Promise<{ text: string; format: RecordFileFormat }> {
  let text: string
  try {
    text = name === '-' ? await io.readStdin() : decodeUtf8Input(await readFile(name), 'the input file')
  } catch (error) {
    if (isFirehouseError(error)) throw error
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : 'not readable'
    throw new FirehouseError('INVALID_ARGUMENT', `Cannot read the input file (${reason})`, { cause: error })
  }
  return { text, format: FORMAT_BY_EXTENSION[extname(name).toLowerCase()] ?? sniffRecordFileFormat(text) }
}
