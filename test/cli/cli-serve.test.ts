// The demo start-up as a newcomer runs it: `serve --demo`, then the printed curl call, pasted as is.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { test, type TestContext } from 'node:test'
import { promisify } from 'node:util'
import {
  assertOneLineFailure,
  createWorkspace,
  KEY_PATTERN,
  lines,
  runFirehouse,
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

interface Board {
  url: string
  workspace: string
  password: string
  users: { email: string; role: string }[]
}

/** Reads the board's sign-in as printed: its URL, the workspace, the shared password and each user. */
function readBoard(server: RunningServer): Board {
  const match = /^Board: (http:\/\/\S+\/board) \(workspace "([^"]+)", password for every demo user: (\S+)\)$/m.exec(server.stdout())
  assert.ok(match, `the board is printed: ${server.stdout()}`)
  const users = [...server.stdout().matchAll(/^ {2}sign in as (\S+) \((agent|admin)\)$/gm)].map(([, email, role]) => ({ email: email!, role: role! }))
  return { url: match[1]!, workspace: match[2]!, password: match[3]!, users }
}

/** POST /login as the form sends it: the session cookie on success (303), else null. */
async function signInOnBoard(board: Board, email: string, password: string): Promise<string | null> {
  const answer = await fetch(new URL('/login', board.url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ workspace: board.workspace, email, password }),
  })
  await answer.arrayBuffer()
  if (answer.status !== 303) return null
  const cookie = /fh_session=[^;]+/.exec(answer.headers.get('set-cookie') ?? '')?.[0]
  assert.ok(cookie, 'a 303 sets the session cookie')
  return cookie
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

test('serve --demo prints a curl call that works as pasted and a board sign-in that works; a second start prints a fresh key and password while the old ones are refused', async (t) => {
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
  const board = readBoard(first)
  assert.equal(board.url, `${demo.address}/board`)
  assert.deepEqual(board.users, [
    { email: 'des.patch@directness.net', role: 'admin' },
    { email: 'ann.swer@directness.net', role: 'agent' },
  ])
  for (const user of board.users) {
    const cookie = await signInOnBoard(board, user.email, board.password)
    assert.ok(cookie, `${user.email} signs in with the printed password`)
    const page = await fetch(board.url, { headers: { cookie }, redirect: 'manual' })
    assert.equal(page.status, 200)
    assert.ok((await page.text()).includes('Case '), 'the board shows the demo cases')
  }
  await assertStopsCleanly(first)

  const second = await startServe(t, args, CURL_PRINTED)
  const again = readDemo(second)
  assert.match(second.stdout(), /Demo: tenant "demo" exists; here is a fresh API key for it/)
  assert.notEqual(again.key, demo.key)
  assert.equal(await pasteInBash(again.curl), '{"Data":{"number_customergauge":12}}')
  const newBoard = readBoard(second)
  assert.notEqual(newBoard.password, board.password)
  const ann = newBoard.users[1]!.email
  assert.equal(await signInOnBoard(newBoard, ann, board.password), null, 'the old password is refused')
  assert.ok(await signInOnBoard(newBoard, ann, newBoard.password), 'the new password signs in')
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

const LISTENING = /^Firehouse listening on http:\/\/\S+ /m
const SECRET = 'fh_SecretSentInTheQueryString'

/** Resolves once the server has printed something matching `pattern`. */
async function waitForOutput(server: RunningServer, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 15_000
  while (!pattern.test(server.stdout())) {
    assert.ok(Date.now() < deadline, `waited for ${pattern}: ${server.stdout()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Starts `serve` (one process), sends one request with a key in its query string, stops it, and
 * returns what it printed (the log, on stdout) with \n line ends.
 */
async function logOfOneRequest(t: TestContext, options: { terminal?: boolean; env?: Record<string, string> }): Promise<string> {
  const ws = await createWorkspace(t)
  const server = await startServe(t, ['--workers', '1', '--port', '0', '--db', ws.db], LISTENING, options)
  const address = /listening on (http:\/\/\S+) /.exec(server.stdout())![1]!
  await (await fetch(`${address}/healthz?api_key=${SECRET}`)).arrayBuffer()
  await waitForOutput(server, /request completed/)
  await assertStopsCleanly(server)
  return server.stdout().replaceAll('\r\n', '\n')
}

/** The log lines: everything printed but the CLI's own announcement. */
function logLines(output: string): string[] {
  return lines(output).filter((line) => !LISTENING.test(line))
}

function assertJsonLog(output: string): void {
  const entries = logLines(output).map((line) => JSON.parse(line) as { msg?: string; req?: { url?: string } })
  // One line per request, when it is answered (at info; "incoming request" is logged at debug).
  assert.equal(entries.find((entry) => entry.msg === 'request completed')?.req?.url, '/healthz?[Redacted]')
  assert.equal(entries.filter((entry) => entry.msg === 'incoming request').length, 0, output)
}

/** Readable lines: `[time] INFO (pid): message`, no JSON, the query string still redacted. */
function assertPrettyLog(output: string, colours: boolean): void {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '')
  assert.match(plain, /^\[[\d:.]+\] INFO \(\d+\): request completed$/m)
  assert.match(plain, /"url": "\/healthz\?\[Redacted\]"/)
  for (const line of logLines(plain)) assert.doesNotMatch(line, /^\{/, `not a JSON line: ${line}`)
  assert.equal(output.includes('\x1b['), colours, `colours ${colours ? 'on' : 'off'}`)
}

test('serve logs readable lines on a terminal and JSON lines otherwise; FIREHOUSE_LOG_FORMAT=json or pretty decides instead; no query string is logged either way', async (t) => {
  await t.test('a terminal: readable, coloured lines', async (t) => {
    const output = await logOfOneRequest(t, { terminal: true })
    assertPrettyLog(output, true)
    assert.ok(!output.includes(SECRET))
  })
  await t.test('no terminal: JSON lines', async (t) => {
    const output = await logOfOneRequest(t, {})
    assertJsonLog(output)
    assert.ok(!output.includes(SECRET))
  })
  await t.test('FIREHOUSE_LOG_FORMAT=json at a terminal: JSON lines', async (t) => {
    const output = await logOfOneRequest(t, { terminal: true, env: { FIREHOUSE_LOG_FORMAT: 'json' } })
    assertJsonLog(output)
    assert.ok(!output.includes(SECRET))
  })
  await t.test('FIREHOUSE_LOG_FORMAT=pretty without a terminal: readable lines without colours', async (t) => {
    const output = await logOfOneRequest(t, { env: { FIREHOUSE_LOG_FORMAT: 'pretty' } })
    assertPrettyLog(output, false)
    assert.ok(!output.includes(SECRET))
  })
})

test('an unknown FIREHOUSE_LOG_FORMAT stops serve with a one-line reason and a non-zero exit', async (t) => {
  const ws = await createWorkspace(t)
  const result = await runFirehouse(['serve', '--port', '0', '--db', ws.db], '', { FIREHOUSE_LOG_FORMAT: 'fancy' })
  assertOneLineFailure(result, /^error: Invalid configuration: FIREHOUSE_LOG_FORMAT must be one of auto, json, pretty \(got "fancy"\)\n$/, ws)
})

test('serve on a port another process listens on stops at once with a one-line reason and exit 1 (its writer thread stopped too)', async (t) => {
  const ws = await createWorkspace(t)
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.after(() => taken.close())
  const { port } = taken.address() as AddressInfo
  const result = await runFirehouse(['serve', '--host', '127.0.0.1', '--port', String(port), '--db', ws.db], '', {}, 20_000)
  assertOneLineFailure(result, new RegExp(`^error: cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use\\n$`), ws)
  assert.equal(result.code, 1)
})

