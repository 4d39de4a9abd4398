// The command line of `npm run bench`: flags, defaults, help.

import { parseArgs } from 'node:util'

export interface BenchOptions {
  records: number
  durationS: number
  warmupS: number
  concurrencies: number[]
  repeat: number
  halfRate: boolean
  workers2: boolean
  import: boolean
  board: boolean
  reference: boolean
  importRecords: number
  big: boolean
  bigRecords: number
  pg: string | undefined
  json: string
}

export const USAGE = `npm run bench -- [flags]

  --records N          records in the benchmark database (default 100000)
  --duration S         seconds of load per measurement (default 10)
  --warmup S           unmeasured seconds of load before each measurement (default 2)
  --concurrency LIST   connections, comma-separated (default 1,10,100)
  --repeat N           alternations of firehouse and baseline per concurrency; medians reported (default 1)
  --no-half-rate       skip the latency run at half the maximum rate
  --no-workers         skip the serve --workers 2 figures
  --no-import          skip the import throughput
  --no-board           skip the board's render times (10,000 open cases; a case with 500 entries)
  --no-reference       skip ../shared/perf-reference/compare.mjs (wrk against the reference server)
  --import-records N   records imported for the import throughput (default 1000000; its chunks are
                       built in memory before the first is sent: ~210 MiB per million)
  --big                also measure updates on a database of --big-records records (slow to seed)
  --big-records N      (default 10000000)
  --pg URL             also run on PostgreSQL: a server URL whose user may create databases;
                       the run creates its own databases there and drops them at the end
  --json FILE          where the results go as JSON (default bench/results/latest.json)
  --help`

const FLAGS = {
  records: { type: 'string', default: '100000' },
  duration: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '2' },
  concurrency: { type: 'string', default: '1,10,100' },
  repeat: { type: 'string', default: '1' },
  'no-half-rate': { type: 'boolean', default: false },
  'no-workers': { type: 'boolean', default: false },
  'no-import': { type: 'boolean', default: false },
  'no-board': { type: 'boolean', default: false },
  'no-reference': { type: 'boolean', default: false },
  'import-records': { type: 'string', default: '1000000' },
  big: { type: 'boolean', default: false },
  'big-records': { type: 'string', default: '10000000' },
  pg: { type: 'string' },
  json: { type: 'string', default: 'bench/results/latest.json' },
  help: { type: 'boolean', default: false },
} as const

/** The options, or null when --help asked for the usage. Throws on a bad flag. */
export function parseBenchOptions(argv: string[]): BenchOptions | null {
  const { values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false })
  if (values.help) return null
  if (values.pg !== undefined && !/^postgres(ql)?:\/\//.test(values.pg)) throw new Error('--pg takes a postgres:// URL')
  return {
    records: positive('records', values.records, true),
    durationS: positive('duration', values.duration),
    warmupS: positive('warmup', values.warmup, false, true),
    concurrencies: values.concurrency.split(',').map((part) => positive('concurrency', part.trim(), true)),
    repeat: positive('repeat', values.repeat, true),
    halfRate: !values['no-half-rate'],
    workers2: !values['no-workers'],
    import: !values['no-import'],
    board: !values['no-board'],
    reference: !values['no-reference'],
    importRecords: positive('import-records', values['import-records'], true),
    big: values.big,
    bigRecords: positive('big-records', values['big-records'], true),
    pg: values.pg,
    json: values.json,
  }
}

/** A flag's number; throws, naming the flag, when it is not one (or not whole, or not above 0). */
export function positive(name: string, text: string, integer = false, zeroAllowed = false): number {
  const value = Number(text.replaceAll('_', ''))
  const ok = Number.isFinite(value) && (zeroAllowed ? value >= 0 : value > 0) && (!integer || Number.isInteger(value))
  if (!ok) throw new Error(`--${name} takes a ${integer ? 'whole ' : ''}number${zeroAllowed ? '' : ' above 0'}, not ${text}`)
  return value
}

/** A whole flag above 0 for a bench script of its own: a bad one ends the run with its message. */
export function wholeFlag(name: string, text: string): number {
  try {
    return positive(name, text, true)
  } catch (error) {
    console.error((error as Error).message)
    process.exit(2)
  }
}
