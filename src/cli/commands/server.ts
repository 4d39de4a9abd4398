// `serve` (listen, seed the demo, stop cleanly on a signal) and `migrate`.

import { buildServer, type LogStyle } from '../../http/server.js'
import { seedDemo, type DemoOutcome } from '../../service/demo.js'
import { pruneExpiredIdempotencyKeys } from '../../service/update-workflow.js'
import { defaultProcessCount, migrateDatabase } from '../../service/database.js'
import { useWriterThread, writerThreadApplies } from '../../service/writer-thread.js'
import type { Config } from '../../config.js'
import type { ServiceContext } from '../../service/context.js'
import { isClusterWorker, leaveCluster, reportListening, runPrimary } from '../cluster.js'
import { boundHeapGrowth } from '../heap-growth.js'
import { keepNewSpaceWhileServing } from '../../service/young-generation.js'
import type { CliEnvironment, Command } from '../command.js'

/** How long a stop waits for in-flight requests before giving up on them. */
const SHUTDOWN_GRACE_MS = 10_000
/** How often idempotency keys past their 24 h window are deleted. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000

export const SERVER_COMMANDS: Record<string, Command> = {
  serve: {
    usage: 'serve [--db D] [--host H] [--port P] [--region R] [--workers N] [--demo]',
    summary: 'Run the server (migrates the database first); --workers N runs N processes on one port (0: one per core on PostgreSQL, one on SQLite)',
    args: [],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      region: { type: 'string' },
      workers: { type: 'string' },
      demo: { type: 'boolean' },
    },
    async run({ values, config, io, open }) {
      const workers = config.workers === 0 ? defaultProcessCount(config.db) : config.workers
      if (isClusterWorker() || workers === 1) {
        boundHeapGrowth()
        const ctx = await open()
        const demo = !isClusterWorker() && values.demo === true ? await seedDemo(ctx, config.region) : undefined
        await serveUntilStopped(ctx, config, logStyleOf(config, io), (address) => {
          if (isClusterWorker()) return reportListening(address)
          announce(io, address, config, 1, threaded(ctx, config), demo)
        })
        leaveCluster()
        return
      }
      // The primary migrates and seeds once, then leaves the database to its workers.
      const ctx = await open()
      const demo = values.demo === true ? await seedDemo(ctx, config.region) : undefined
      await runPrimary(workers, (address) => announce(io, address, config, workers, threaded(ctx, config), demo), io.stdout)
    },
  },
  migrate: {
    usage: 'migrate [--db D]',
    summary: 'Bring the database schema up to date',
    args: [],
    async run({ open }) {
      const ctx = await open({ migrate: false })
      const report = await migrateDatabase(ctx)
      const text = report.applied.length === 0 ? 'The database is up to date' : `Applied ${report.applied.join(', ')}`
      return { text, json: report }
    },
  },
}

/** Listens until SIGINT/SIGTERM, then stops taking connections and finishes in-flight requests. */
async function serveUntilStopped(
  ctx: ServiceContext,
  config: Config,
  logStyle: LogStyle,
  onListening: (address: string) => void,
): Promise<void> {
  // On SQLite the writes (v4.1 and v7 calls, imports) get a thread of their own (FIREHOUSE_WRITER=inline keeps them here).
  if (threaded(ctx, config)) useWriterThread(ctx, config.db)
  const app = buildServer({ config, ctx, logStyle })
  let address: string
  try {
    address = await app.listen({ host: config.host, port: config.port })
    keepNewSpaceWhileServing()
  } catch (error) {
    // A port in use (or not ours to take): stop what started with the app, the writer thread
    // included, or it keeps the process alive after the failure is reported.
    await app.close()
    await ctx.writerThread?.close()
    throw error
  }
  onListening(address)
  const pruning = setInterval(() => {
    pruneExpiredIdempotencyKeys(ctx).catch((error: unknown) => app.log.warn({ err: error }, 'pruning idempotency keys failed'))
  }, PRUNE_INTERVAL_MS)
  pruning.unref()
  await waitForStopSignal()
  clearInterval(pruning)
  setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref()
  await app.close()
  await ctx.writerThread?.close()
}

/** Readable lines for a person at a terminal, JSON for whatever collects them; FIREHOUSE_LOG_FORMAT decides first. */
function logStyleOf(config: Config, io: CliEnvironment): LogStyle {
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && io.terminal.stdout)
  // Colours only on a terminal: forced pretty into a file stays free of escape codes.
  return pretty ? { format: 'pretty', colorize: io.terminal.stdout } : { format: 'json' }
}

/** `serve` writes on a writer thread unless FIREHOUSE_WRITER=inline or the database is PostgreSQL. */
function threaded(ctx: ServiceContext, config: Config): boolean {
  return config.writer === 'thread' && writerThreadApplies(ctx)
}

function announce(io: CliEnvironment, address: string, config: Config, workers: number, threaded: boolean, demo: DemoOutcome | undefined): void {
  const processes = workers === 1 ? '' : `, ${workers} workers`
  const writer = threaded ? ', SQLite writes on a writer thread' : ''
  io.stdout(`Firehouse listening on ${address} (region ${config.region}${processes}${writer})`)
  if (demo) io.stdout(describeDemo(demo, address))
}

function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
}

function describeDemo(demo: DemoOutcome, address: string): string {
  if (demo.kind === 'skipped') return 'Demo: the database already holds other tenants, so no demo data was added.'
  return [
    demo.kind === 'seeded'
      ? `Demo: created tenant "${demo.tenant}" with users and survey records 1-25.`
      : `Demo: tenant "${demo.tenant}" exists; here is a fresh API key for it (the previous demo key is revoked).`,
    `Board: ${address}/board (workspace "${demo.tenant}", password for every demo user: ${demo.password})`,
    ...demo.users.map((user) => `  sign in as ${user.email} (${user.role})`),
    `API key: ${demo.key}`,
    'Try it:',
    `curl -H "Authorization: api_key ${demo.key}" -X POST ${address}/v4.1/workflow.json \\`,
    `  -d number_customergauge=${demo.exampleCgid} -d status=CLOSE -d comment="Solved the issue" \\`,
    `  -d assigned_to=${demo.exampleAssignee}`,
  ].join('\n')
}
