// Revoking an app stops its live tokens at once on every node (SPEC §10): two `firehouse serve`
// processes on one database, the app revoked by `firehouse app revoke`.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { bearer, createTestApp, issueTestToken } from '../helpers/oauth.js'
import { spawnServer } from '../helpers/process.js'
import { createTestTenant } from '../helpers/server.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a token issued by one node works on both; once its app is revoked, the next call on each answers 200000`, async (t) => {
    const { ctx, database } = await openTestContext(t, kind)
    await createTestTenant(ctx, { slug: 'acme', records: [12] })
    const app = await createTestApp(ctx, 'acme')
    const nodes = await Promise.all([spawnServer(database.url), spawnServer(database.url)])
    t.after(() => Promise.all(nodes.map((node) => node.stop())))
    const token = await issueTestToken(nodes[0]!.url, app)
    const read = (url: string) => fetch(`${url}/api/v1/cases/12`, { headers: bearer(token) })
    for (const node of nodes) assert.equal((await read(node.url)).status, 200, 'the token works on both nodes')

    const env = { ...process.env }
    delete env.FIREHOUSE_DB
    await run(process.execPath, [join(ROOT, 'bin', 'firehouse.js'), 'app', 'revoke', 'acme', app.clientId, '--db', database.url], { cwd: ROOT, env })
    for (const node of nodes) {
      const response = await read(node.url)
      assert.equal(response.status, 401)
      const { Error: error } = (await response.json()) as { Error: { Code: number; Message: string } }
      assert.equal(error.Code, 200000)
    }
  })
}
