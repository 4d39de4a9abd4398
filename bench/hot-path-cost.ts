// The hot path's own cost (issue 17): the statements the writer thread runs for v4.1 changes
// (runHotBatch on prepareHotStatements, as writer-thread-body.ts runs them), on a seeded SQLite
// file, without HTTP, threads or the rest of the machine's load. It reports what each change
// writes to the WAL (which the commit writes and syncs, and the checkpoint thread copies again)
// and the CPU it costs. On this shared 2-core machine wrk's updates/s move by ±20 % from one run
// to the next; these figures move by a few %: they are what a schema change is measured by.
//
//   npm run bench:hot-path -- [--records 100000] [--changes 20000] [--batch 40]
//        [--without-index NAME]...
//
// Every seeded record is a detractor, so every record has a case and each change updates one
// (status CLOSE, an assignee and a comment, as compare.mjs sends). --without-index drops an index
// before the run, to price what it costs (the result is not a valid Firehouse database).

import BetterSqlite3 from 'better-sqlite3'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Caller } from '../src/service/api-keys.js'
import { openServiceContext } from '../src/service/database.js'
import { runHotBatch, type HotCall } from '../src/service/hot-path.js'
import { getTenant } from '../src/service/tenants.js'
import { prepareHotStatements } from '../src/store/sqlite-hot-statements.js'
import { checkpointPassive, setCommitCheckpoints } from '../src/store/wal-checkpoints.js'
import { positive } from './options.js'
import { BENCH_TENANT, seedDatabase } from './seed.js'

/** Changes run before the measured ones: the page cache and the statements' plans settle. */
const WARMUP_CHANGES = 2_000
/** The WAL is emptied every this many batches (outside the measured time), so it never grows large. */
const BATCHES_PER_WAL = 50
/** A WAL frame: its header, then the page. */
const WAL_FRAME_HEADER_BYTES = 24

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    changes: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '40' },
    'without-index': { type: 'string', multiple: true, default: [] },
  },
})
const records = positive('records', values.records, true)
const changes = positive('changes', values.changes, true)
const batchSize = positive('batch', values.batch, true)

const work = mkdtempSync(join(tmpdir(), 'firehouse-hot-path-cost-'))
try {
  const file = join(work, 'cost.db')
  await seedDatabase(file, records)
  dropIndexes(file, values['without-index'])
  const figures = await measure(file)
  console.log(
    [
      `hot path, ${records.toLocaleString('en')} records (a case each), ${changes.toLocaleString('en')} changes in batches of ${batchSize}` +
        (values['without-index'].length > 0 ? `, without ${values['without-index'].join(', ')}` : ''),
      `  WAL pages per change: ${figures.pagesPerChange.toFixed(2)}`,
      `  CPU per change: ${figures.cpuUs.toFixed(1)} µs (user ${figures.userUs.toFixed(1)}, system ${figures.systemUs.toFixed(1)})`,
      `  time per change: ${figures.wallUs.toFixed(1)} µs (commits and their fsync included)`,
    ].join('\n'),
  )
} finally {
  rmSync(work, { recursive: true, force: true })
}

function dropIndexes(file: string, names: readonly string[]): void {
  if (names.length === 0) return
  const database = new BetterSqlite3(file)
  try {
    for (const name of names) database.exec(`drop index "${name.replaceAll('"', '""')}"`)
  } finally {
    database.close()
  }
}

interface CostFigures {
  pagesPerChange: number
  cpuUs: number
  userUs: number
  systemUs: number
  wallUs: number
}

async function measure(file: string): Promise<CostFigures> {
  const ctx = await openServiceContext(file, { migrate: false })
  try {
    const sqlite = ctx.store.dialect.sqlite!
    // As under the writer thread: commits do not checkpoint; here the WAL is emptied between rounds.
    setCommitCheckpoints(sqlite, false)
    const pageBytes = sqlite.pragma('page_size', { simple: true }) as number
    const statements = prepareHotStatements(sqlite)
    const tenant = await getTenant(ctx, BENCH_TENANT)
    const caller: Caller = { tenantId: tenant.id, actor: 'key:bench', bucketId: 'bench', rateLimit: null, admin: false }
    const nextCall = changeSource(caller)
    const runBatch = (): void => {
      const outcomes = runHotBatch(statements, Array.from({ length: batchSize }, nextCall), () => new Date().toISOString())
      const failed = outcomes.find((outcome) => outcome.kind !== 'written')
      if (failed) throw new Error(`a change was not written: ${JSON.stringify(failed)}`)
    }
    const emptyWal = (): number => {
      const frames = statSync(`${file}-wal`).size / (pageBytes + WAL_FRAME_HEADER_BYTES)
      sqlite.pragma('wal_checkpoint(TRUNCATE)')
      return frames
    }

    for (let done = 0; done < WARMUP_CHANGES; done += batchSize) runBatch()
    emptyWal()
    let frames = 0
    let cpu = { user: 0, system: 0 }
    let wallMs = 0
    const batches = Math.ceil(changes / batchSize)
    for (let batch = 1; batch <= batches; batch++) {
      const started = performance.now()
      const cpuBefore = process.cpuUsage()
      runBatch()
      const used = process.cpuUsage(cpuBefore)
      wallMs += performance.now() - started
      cpu = { user: cpu.user + used.user, system: cpu.system + used.system }
      if (batch % BATCHES_PER_WAL === 0 || batch === batches) frames += emptyWal()
    }
    const measured = batches * batchSize
    checkpointPassive(sqlite)
    return {
      pagesPerChange: frames / measured,
      cpuUs: (cpu.user + cpu.system) / measured,
      userUs: cpu.user / measured,
      systemUs: cpu.system / measured,
      wallUs: (wallMs * 1000) / measured,
    }
  } finally {
    await ctx.store.close()
  }
}

/** The calls of the run: records picked at random (a fixed sequence, the same every run), as compare.mjs picks them. */
function changeSource(caller: Caller): () => HotCall {
  let state = 12_345
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return {
      caller,
      input: { numberCustomergauge: 1 + (state % records), status: 'CLOSE', comment: 'Solved the issue', assignedTo: 'agent@bench.example' },
      options: {},
    }
  }
}
