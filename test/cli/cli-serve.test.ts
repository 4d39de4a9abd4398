// The demo start-up as a newcomer runs it: `serve --demo`, then the printed curl call, pasted as is.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
import {
  createWorkspace,
  KEY_PATTERN,
  lines,
  startServe,
  type RunningServer,
} from './cli-process.js'

const run = promisify(execFile)
/** The demo output ends with the curl call's last line. */
const CURL_PRINTED = /^ {2}-d assigned_to=\S+$/m

interface Demo {
  address: string
  key: string
  curl: string
}

/** Reads what a newcomer reads: the address, the key and the curl call (its lines as printed). */
function readDemo(server: RunningServer): Demo {
  const out = lines(server.stdout())
  const address = /^Firehouse listening on (http:\/\/127\.0\.0\.1:\d+) /m.exec(server.stdout())?.[1]
  assert.ok(address, `an address is printed: ${server.stdout()}`)
  const key = out.find((line) => line.startsWith('API key: '))?.slice('API key: '.length) ?? ''
  assert.match(key, KEY_PATTERN)
  const start = out.findIndex((line) => line.startsWith('curl '))
  const end = out.findIndex((line, index) => index >= start && !line.endsWith('\\'))
  assert.ok(start >= 0 && end >= start, `a curl call is printed: ${server.stdout()}`)
  return { address, key, curl: out.slice(start, end + 1).join('\n') }
}

/** SIGTERM stops the server (and its workers) with exit code 0, without waiting out the 10 s grace. */
async function assertStopsCleanly(server: RunningServer): Promise<void> {
  const started = Date.now()
  assert.deepEqual(await server.stop(), { code: 0, signal: null })
  assert.ok(Date.now() - started < 8_000, `stopped in ${Date.now() - started} ms`)
}

async function pasteInBash(script: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', script], { timeout: 20_000 })
  return stdout
}

test('serve --demo prints a curl call that works as pasted, and a second start prints a fresh key while the old one is refused', async (t) => {
  const ws = await createWorkspace(t)
  const args = ['--demo', '--port', '0', '--db', ws.db]

  const first = await startServe(t, args, CURL_PRINTED)
  const demo = readDemo(first)
  assert.match(first.stdout(), /Demo: created tenant "demo" with users and survey records 1-25\./)
  assert.ok(
    demo.curl.includes(`api_key ${demo.key}`) &&
      demo.curl.includes(`${demo.address}/v4.1/workflow.json`),
  )
  assert.equal(await pasteInBash(demo.curl), '{"Data":{"number_customergauge":12}}')
  await assertStopsCleanly(first)

  const second = await startServe(t, args, CURL_PRINTED)
  const again = readDemo(second)
  assert.match(second.stdout(), /Demo: tenant "demo" exists; here is a fresh API key for it/)
  assert.notEqual(again.key, demo.key)
  assert.equal(await pasteInBash(again.curl), '{"Data":{"number_customergauge":12}}')
  const old = await fetch(`${again.address}/v4.1/workflow.json`, {
    method: 'POST',
    headers: {
      authorization: `api_key ${demo.key}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'number_customergauge=12&status=OPEN',
  })
  assert.equal(old.status, 401)
  assert.equal(((await old.json()) as { Error: { Code: number } }).Error.Code, 200000)
  await assertStopsCleanly(second)

  // Both pasted calls went through, one per key; the refused one changed nothing.
  const view = await ws.json<{
    status: string
    assigned_to: string
    history: { seq: number; actor: string; comment: string | null }[]
  }>(['case', 'show', 'demo', '12'])
  assert.equal(view.status, 'CLOSED')
  assert.equal(view.assigned_to, 'des.patch@directness.net')
  assert.deepEqual(
    view.history.map(({ seq, comment }) => [seq, comment]),
    [
      [1, 'Solved the issue'],
      [2, 'Solved the issue'],
    ],
  )
  const [firstActor, secondActor] = view.history.map((entry) => entry.actor)
  assert.ok(
    firstActor?.startsWith('key:') && secondActor?.startsWith('key:') && firstActor !== secondActor,
  )
})
