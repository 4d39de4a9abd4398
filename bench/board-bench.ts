// The board's render times (issue 11): /board for a tenant with 10,000 open cases, and a case page
// with 500 history entries, on the real server over loopback HTTP, sequential requests.

import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadConfig } from '../src/config.js'
import { buildServer } from '../src/http/server.js'
import { openServiceContext } from '../src/service/database.js'
import { importRecords } from '../src/service/import-records.js'
import { createTenant } from '../src/service/tenants.js'
import { updateCase } from '../src/service/update-workflow.js'
import { addUser, setPassword } from '../src/service/users.js'
import { findTenantBySlug } from '../src/store/tenants.js'

export interface BoardRenderFigure {
  page: string
  requests: number
  p50Ms: number
  p95Ms: number
  targetP95Ms: number
}

const OPEN_CASES = 10_000
const HISTORY_ENTRIES = 500
const REQUESTS = 200
const PASSWORD = 'bench password'

export async function timeBoardPages(work: string, log: (line: string) => void): Promise<BoardRenderFigure[]> {
  const db = join(work, 'board.db')
  const ctx = await openServiceContext(db)
  log(`Board: seeding ${OPEN_CASES.toLocaleString('en')} open cases and one case with ${HISTORY_ENTRIES} entries`)
  await createTenant(ctx, { slug: 'bench', region: 'eu' })
  await addUser(ctx, 'bench', 'agent@bench.test', 'Agent', 'agent')
  await setPassword(ctx, 'bench', 'agent@bench.test', PASSWORD)
  const records = Array.from({ length: OPEN_CASES }, (_, index) => ({
    numberCustomergauge: index + 1,
    nps: index % 7,
    comment: `answer ${index + 1}`,
    account: `Account ${index % 97}`,
    email: `customer${index + 1}@example.com`,
    firstName: 'Customer',
    lastName: String(index + 1),
    dateCreation: '2026-11-01T00:00:00Z',
    extra: {},
  }))
  await importRecords(ctx, 'bench', records)
  const tenantId = (await findTenantBySlug(ctx.store.db, 'bench')).id
  for (let entry = 2; entry <= HISTORY_ENTRIES; entry++) {
    const status = ['PROGRESS', 'OPEN', 'CLOSED'][entry % 3]!
    await updateCase(ctx, { tenantId, actor: 'user:agent@bench.test' }, { numberCustomergauge: 1, status, comment: `entry ${entry}` })
  }
  const app = buildServer({ config: loadConfig({ FIREHOUSE_DB: db, FIREHOUSE_LOG_LEVEL: 'silent', FIREHOUSE_RATE_LIMIT: '0' }), ctx })
  await app.listen({ host: '127.0.0.1', port: 0 })
  try {
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    const cookie = await signIn(base)
    return [
      await timePage(base, '/board', cookie, 50, log),
      await timePage(base, '/cases/1', cookie, 20, log),
    ]
  } finally {
    await app.close()
    await ctx.store.close()
  }
}

async function signIn(base: string): Promise<string> {
  const answer = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ workspace: 'bench', email: 'agent@bench.test', password: PASSWORD }),
  })
  const cookie = /fh_session=[^;]+/.exec(answer.headers.get('set-cookie') ?? '')?.[0]
  if (!cookie) throw new Error(`sign-in failed: HTTP ${answer.status}`)
  return cookie
}

async function timePage(base: string, path: string, cookie: string, targetP95Ms: number, log: (line: string) => void): Promise<BoardRenderFigure> {
  const times: number[] = []
  for (let index = 0; index < REQUESTS + 20; index++) {
    const started = performance.now()
    const answer = await fetch(`${base}${path}`, { headers: { cookie } })
    await answer.arrayBuffer()
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`)
    // The first 20 warm the statement cache and the JIT.
    if (index >= 20) times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10
  const figure = { page: path, requests: REQUESTS, p50Ms: at(0.5), p95Ms: at(0.95), targetP95Ms }
  log(`  ${path}: p50 ${figure.p50Ms} ms, p95 ${figure.p95Ms} ms (target p95 < ${targetP95Ms} ms)`)
  return figure
}

// `node --import tsx bench/board-bench.ts [work dir]` runs this part alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const work = mkdtempSync(join(process.argv[2] ?? 'bench', 'board-'))
  try {
    await timeBoardPages(work, console.log)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
