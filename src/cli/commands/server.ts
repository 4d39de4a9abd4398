// `serve` (listen, seed the demo, stop cleanly on a signal) and `migrate`.

import { buildServer } from '../../http/server.js'
import { seedDemo, type DemoOutcome } from '../../service/demo.js'
import { pruneExpiredIdempotencyKeys } from '../../service/update-workflow.js'
import { migrateDatabase } from '../../service/database.js'
import type { Command } from '../command.js'

/** How long a stop waits for in-flight requests before giving up on them. */
const SHUTDOWN_GRACE_MS = 10_000
/** How often idempotency keys past their 24 h window are deleted. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000

export const SERVER_COMMANDS: Record<string, Command> = {
  serve: {
    usage: 'serve [--db D] [--host H] [--port P] [--region R] [--demo]',
    summary: 'Run the server (migrates the database first)',
    args: [],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      region: { type: 'string' },
      demo: { type: 'boolean' },
    },
    async run({ values, config, io, open }) {
      const ctx = await open()
      const demo = values.demo === true ? await seedDemo(ctx, config.region) : undefined
      const app = buildServer({ config, ctx })
      const address = await app.listen({ host: config.host, port: config.port })
      io.stdout(`Firehouse listening on ${address} (region ${config.region})`)
      if (demo) io.stdout(describeDemo(demo, address))
      const pruning = setInterval(() => {
        pruneExpiredIdempotencyKeys(ctx).catch((error: unknown) => app.log.warn({ err: error }, 'pruning idempotency keys failed'))
      }, PRUNE_INTERVAL_MS)
      pruning.unref()
      await waitForStopSignal()
      clearInterval(pruning)
      const forced = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS)
      forced.unref()
      await app.close()
      await ctx.store.close()
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
    `API key: ${demo.key}`,
    'Try it:',
    `curl -H "Authorization: api_key ${demo.key}" -X POST ${address}/v4.1/workflow.json \\`,
    `  -d number_customergauge=${demo.exampleCgid} -d status=CLOSE -d comment="Solved the issue" \\`,
    `  -d assigned_to=${demo.exampleAssignee}`,
  ].join('\n')
}
