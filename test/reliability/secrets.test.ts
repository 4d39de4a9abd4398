// TESTPLAN S4 (key storage) and the secret-free logs and headers of S13: a raw API key is stored
// nowhere, printed by no list, logged by no request; every answer carries the security headers.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createApiKey, revokeApiKey } from '../../src/service/api-keys.js'
import { openServiceContext } from '../../src/service/database.js'
import { isPostgresUrl } from '../../src/store/dialect.js'
import { send, type Answer } from '../helpers/crash.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { spawnServer } from '../helpers/process.js'
import { createTestTenant } from '../helpers/server.js'

// TESTPLAN S4 says 10,000 keys; 1,000 keep the suite fast (each key is one durable commit) and
// exercise the same code path.
const KEYS = 1_000
const KEY_FORMAT = /^fh_[A-Za-z0-9_-]{43,}$/
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin', 'firehouse.js')
const run = promisify(execFile)

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** The keys (by their 43-character random part, so a key stored without `fh_` counts too) found in `haystack`. */
function keysIn(haystack: Buffer | string, keys: readonly string[]): string[] {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1')
  return keys.filter((key) => text.includes(key.slice(3)))
}

/** Every file of the SQLite database's folder (the file, -wal, -shm), or a pg_dump of the database. */
async function storedBytes(url: string): Promise<{ name: string; bytes: Buffer }[]> {
  if (isPostgresUrl(url)) {
    const { stdout } = await run('pg_dump', ['--no-owner', url], { maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' })
    return [{ name: 'pg_dump', bytes: stdout }]
  }
  const dir = dirname(url)
  return readdirSync(dir).map((name) => ({ name, bytes: readFileSync(join(dir, name)) }))
}

async function firehouse(args: string[]): Promise<string> {
  const env = { ...process.env }
  delete env.FIREHOUSE_DB
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] ${KEYS} keys: fh_ format, no duplicates, stored only as their SHA-256; no raw key in the database files, a dump or key list --json`, { timeout: 120_000 }, async (t) => {
    const database = await kind.create()
    t.after(() => database.drop())
    const ctx = await openServiceContext(database.url)
    t.after(() => ctx.store.close())
    const first = await createTestTenant(ctx, { slug: 'acme' })
    const keys = [first.key]
    for (let i = 1; i < KEYS; i++) keys.push((await createApiKey(ctx, 'acme', `key ${i}`)).key)

    assert.deepEqual(keys.filter((key) => !KEY_FORMAT.test(key)), [])
    assert.equal(new Set(keys).size, KEYS, 'duplicate keys')
    const rows = await ctx.store.db.selectFrom('api_keys').selectAll().execute()
    assert.equal(rows.length, KEYS)
    assert.deepEqual(new Set(rows.map((row) => row.hash)), new Set(keys.map(sha256)), 'stored value = SHA-256 hex of the key')
    assert.deepEqual(keysIn(JSON.stringify(rows), keys), [], 'a key in the api_keys rows')

    // While the database is open, its -wal holds the freshest pages.
    const files = await storedBytes(database.url)
    if (!isPostgresUrl(database.url)) assert.ok(files.some(({ name }) => name.endsWith('-wal')), `no -wal file: ${files.map(({ name }) => name).join(', ')}`)
    assert.ok(files.some(({ bytes }) => bytes.includes(rows[0]!.hash)), 'no file holds the hashes: the grep proves nothing')
    for (const { name, bytes } of files) assert.deepEqual(keysIn(bytes, keys), [], `raw keys in ${name}`)

    const listed = await firehouse(['key', 'list', 'acme', '--json', '--db', database.url])
    assert.equal((JSON.parse(listed) as unknown[]).length, KEYS)
    assert.deepEqual(keysIn(listed, keys), [], 'raw keys in key list --json')
    assert.doesNotMatch(listed, /[0-9a-f]{64}/, 'a hash in key list --json')
    t.diagnostic(`${kind.name}: ${KEYS} keys, searched ${files.map(({ name, bytes }) => `${name} (${bytes.length} B)`).join(', ')} and key list --json (${listed.length} B): 0 hits`)
  })

  test(`[${kind.name}] the server's info/debug log holds no key (valid, wrong, revoked, in the query string) and no Authorization value; every answer has nosniff and no-store, none X-Powered-By`, { timeout: 120_000 }, async (t) => {
    const database = await kind.create()
    t.after(() => database.drop())
    const ctx = await openServiceContext(database.url)
    t.after(() => ctx.store.close())
    const acme = await createTestTenant(ctx, { slug: 'acme', records: [1] })
    const valid = [acme.key]
    for (let i = 0; i < 9; i++) valid.push((await createApiKey(ctx, 'acme')).key)
    const revoked = (await createApiKey(ctx, 'acme')).key
    await revokeApiKey(ctx, 'acme', revoked.slice(0, 12))
    const wrong = Array.from({ length: 5 }, () => `fh_${randomBytes(32).toString('base64url')}`)
    const idempotencyKey = `idem-${randomBytes(16).toString('hex')}`

    const server = await spawnServer(database.url, { env: { FIREHOUSE_LOG_LEVEL: 'debug' } })
    t.after(() => server.stop('SIGKILL'))
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const auth = (key: string) => ({ ...form, authorization: `api_key ${key}` })
    const calls: [string, Parameters<typeof send>[1], number][] = [
      ...valid.flatMap((key, i): [string, Parameters<typeof send>[1], number][] => [
        [`/v4.1/workflow.${i % 2 ? 'xml' : 'json'}`, { headers: { ...auth(key), 'idempotency-key': `${idempotencyKey}-${i}` }, body: `number_customergauge=1&comment=c${i}` }, 200],
        ['/api/v1/cases/1', { method: 'GET', headers: auth(key) }, 200],
        ['/api/v1/cases/99', { method: 'GET', headers: auth(key) }, 404],
        ['/v4.1/workflow.json', { headers: auth(key), body: 'number_customergauge=99' }, 400],
      ]),
      ...[...wrong, revoked].map((key): [string, Parameters<typeof send>[1], number] => ['/v4.1/workflow.json', { headers: auth(key), body: 'number_customergauge=1' }, 401]),
      ['/v4.1/workflow.json', { headers: { ...form, authorization: `Bearer ${valid[1]}` }, body: 'number_customergauge=1' }, 401],
      ['/v4.1/workflow.json', { headers: { ...form, authorization: `api_key ${valid[2]}x` }, body: 'number_customergauge=1' }, 401],
      [`/v4.1/workflow.json?api_key=${valid[3]}`, { headers: form, body: 'number_customergauge=1' }, 401],
      [`/v4.1/workflow.xml?number_customergauge=1&key=${valid[4]}`, { headers: auth(valid[4]!) }, 200],
      [`/v4.1/nowhere.json?api_key=${valid[5]}`, { headers: auth(valid[5]!), body: '' }, 404],
      [`/v4.1/%ZZ?api_key=${valid[5]}`, { headers: auth(valid[5]!), body: '' }, 404],
      ['/v4.1/workflow.json', { method: 'GET', headers: auth(valid[6]!) }, 405],
      ['/v4.1/workflow.json', { headers: auth(valid[7]!), body: `comment=${'x'.repeat(70_000)}` }, 413],
      ['/api/v1/cases?per_page=0', { method: 'GET', headers: auth(valid[8]!) }, 400],
      ['/healthz', { method: 'GET' }, 200],
      ['/openapi.json', { method: 'GET' }, 200],
    ]
    const answers: Answer[] = []
    for (const [path, options, status] of calls) {
      const answer = await send(`${server.url}${path}`, options)
      assert.equal(answer.status, status, `${path}: ${answer.body.toString().slice(0, 200)}`)
      answers.push(answer)
    }
    for (const [i, answer] of answers.entries()) {
      const path = calls[i]![0].slice(0, 40)
      assert.equal(answer.headers['x-powered-by'], undefined, path)
      assert.equal(answer.headers['x-content-type-options'], 'nosniff', path)
      assert.equal(answer.headers['cache-control'], 'no-store', path)
    }

    assert.equal(await server.stop('SIGTERM'), 0, 'the server did not stop cleanly, its log may be cut short')
    const log = server.output()
    const logged = (log.match(/"msg":"request completed"/g) ?? []).length
    assert.ok(logged >= calls.length - 1, `only ${logged} requests logged: the grep proves nothing\n${log.slice(0, 2000)}`)
    const leaks = keysIn(log, [...valid, revoked, ...wrong])
    const lines = log.split('\n').filter((line) => leaks.some((key) => line.includes(key.slice(3))))
    assert.deepEqual(leaks, [], `raw keys in the log:\n${lines.join('\n')}`)
    assert.doesNotMatch(log, /api_key fh_|Bearer fh_/, 'an Authorization value in the log')
    assert.ok(!log.includes(idempotencyKey), 'an Idempotency-Key in the log')
    t.diagnostic(`${kind.name}: ${calls.length} answers checked, ${logged} logged requests, ${log.length} B of log: 0 keys`)
  })
}
