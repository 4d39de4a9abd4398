// The write path with and without a webhook endpoint registered (issue 14): v4.1 updates per second on
// SQLite, the receiver on 127.0.0.1 answering 200 at once. `node --import tsx bench/webhook-overhead.ts`.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { createApiKey } from '../src/service/api-keys.js'
import { openServiceContext } from '../src/service/database.js'
import { importRecords } from '../src/service/import-records.js'
import { createTenant } from '../src/service/tenants.js'
import { spawnServer } from '../test/helpers/process.js'

const RECORDS = 1_000
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10)
const CONNECTIONS = 32

async function run(withEndpoint: boolean): Promise<{ rps: number; p99: number; delivered: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'firehouse-hook-bench-'))
  const db = join(dir, 'firehouse.db')
  const setup = await openServiceContext(db)
  await createTenant(setup, { slug: 'acme', region: 'eu' })
  await importRecords(setup, 'acme', Array.from({ length: RECORDS }, (_, i) => ({ numberCustomergauge: i + 1, nps: 9, comment: null, account: null, email: null, firstName: null, lastName: null, dateCreation: null, extra: {} })))
  const owner = await createApiKey(setup, 'acme', 'owner')
  const desk = await createApiKey(setup, 'acme', 'desk')
  await setup.store.close()
  let delivered = 0
  const receiver = createServer((request, response) => request.resume().on('end', () => (delivered++, response.writeHead(200).end())))
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const server = await spawnServer(db, { env: { FIREHOUSE_WEBHOOK_ALLOW_NETS: '127.0.0.0/8' } })
  try {
    if (withEndpoint) {
      const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`
      const answer = await fetch(`${server.url}/api/v1/webhooks`, { method: 'POST', headers: { authorization: `api_key ${owner.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: target, events: ['*'] }) })
      if (answer.status !== 201) throw new Error(`create: ${answer.status}`)
    }
    let n = 0
    const result = await autocannon({
      url: `${server.url}/v4.1/workflow.json`,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [
        {
          method: 'POST',
          headers: { authorization: `api_key ${desk.key}`, 'content-type': 'application/x-www-form-urlencoded' },
          setupRequest: (request) => ({ ...request, body: `number_customergauge=${(n++ % RECORDS) + 1}&comment=bench` }),
        },
      ],
    })
    if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers`)
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    return { rps: Math.round(result.requests.average), p99: result.latency.p99, delivered }
  } finally {
    await server.stop('SIGTERM')
    receiver.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

for (const withEndpoint of [false, true, false, true]) {
  const { rps, p99, delivered } = await run(withEndpoint)
  console.log(`${withEndpoint ? 'with an endpoint   ' : 'without an endpoint'}: ${rps} updates/s, p99 ${p99} ms, events delivered ${delivered}`)
}
