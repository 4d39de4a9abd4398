// `firehouse workflow update`: a v4.1 call through the typed client to a real server (flags or CG_API_URL / CG_API_KEY),
// in-process but for the first call and the help, which run the built binary.

import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, startTestServer } from '../helpers/server.js'
import { assertOneLineFailure, runFirehouse, runInProcess } from './cli-process.js'

const DES = 'des.patch@directness.net'

/** A port nothing listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

test('workflow update: success prints the CG-ID, errors print one line `<Code> <Message>` and exit 1', async (t) => {
  const server = await startTestServer(TEST_DATABASES[0]!)
  t.after(server.close)
  const { key } = await createTestTenant(server.ctx, { slug: 'acme', records: [12, 13, 14, 15], users: [DES] })
  const target = ['--url', server.url, '--key', key]

  // The built binary, as a child process: it must also exit once the client's call is answered.
  await t.test('flags: the case is updated and its CG-ID printed', async () => {
    const result = await runFirehouse(['workflow', 'update', '12', '--status', 'CLOSE', '--comment', 'Solved the issue', '--assigned-to', DES, ...target])
    assert.deepEqual(result, { code: 0, stdout: 'Updated case 12\n', stderr: '' })
    const view = await showCase(server.ctx, 'acme', 12)
    assert.deepEqual([view.status, view.assigned_to, view.history.at(-1)?.comment], ['CLOSED', DES, 'Solved the issue'])
  })

  await t.test('environment: CG_API_URL and CG_API_KEY; --format xml; --json prints the answer as JSON', async () => {
    const env = { CG_API_URL: `${server.url}/`, CG_API_KEY: key }
    const result = await runInProcess(['workflow', 'update', '13', '--status', 'progress', '--format', 'xml', '--json'], '', env)
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(JSON.parse(result.stdout), { number_customergauge: 13 })
    assert.equal((await showCase(server.ctx, 'acme', 13)).status, 'PROGRESS')
  })

  await t.test('--happened-at back-dates the change; case show --json times the case by it; a malformed one is 400207', async () => {
    const opened = Math.floor(Date.now() / 1000) * 1000 - 10 * 3600 * 1000
    const iso = (ms: number) => new Date(ms).toISOString()
    const update = (args: string[]) => runInProcess(['workflow', 'update', '15', ...args, ...target])
    assert.equal((await update(['--happened-at', iso(opened)])).code, 0)
    assert.equal((await update(['--status', 'PROGRESS', '--happened-at', iso(opened + 7200_000).slice(0, 19).replace('T', ' ')])).code, 0)
    assert.equal((await update(['--status', 'CLOSE', '--happened-at', iso(opened + 18000_000)])).code, 0)
    const shown = await runInProcess(['case', 'show', 'acme', '15', '--json', '--db', server.database.url])
    assert.equal(shown.code, 0, shown.stderr)
    const view = JSON.parse(shown.stdout) as { time_to_follow_up_s: number; time_to_close_s: number; history: { happened_at: string }[] }
    assert.deepEqual([view.time_to_follow_up_s, view.time_to_close_s], [7200, 18000])
    assert.deepEqual(view.history.map((entry) => entry.happened_at), [opened, opened + 7200_000, opened + 18000_000].map(iso))
    assertOneLineFailure(await update(['--comment', 'late', '--happened-at', 'yesterday']), /^400207 Invalid happened_at/)
    assert.equal((await showCase(server.ctx, 'acme', 15)).history.length, 3)
  })

  await t.test('API errors: `<Code> <Message>` on one line, exit 1, nothing written', async () => {
    const failures: [string[], RegExp][] = [
      [['99', ...target], /^400200 Workflow not found\n$/],
      [['99', '--format', 'xml', ...target], /^400200 Workflow not found\n$/],
      [['12', '--url', server.url, '--key', 'fh_wrong', '--status', 'DONE'], /^200000 Invalid API key\n$/],
      [['12abc', ...target], /^300001 .*number_customergauge/],
    ]
    const results = await Promise.all(failures.map(([args]) => runInProcess(['workflow', 'update', ...args])))
    results.forEach((result, index) => {
      assertOneLineFailure(result, failures[index]![1])
      assert.equal(result.code, 1)
    })
    assert.equal((await showCase(server.ctx, 'acme', 12)).history.length, 1)
  })

  await t.test('--if-match: the version `case show --json` prints; a stale one prints 400206, exits 1 and writes nothing', async () => {
    const show = async () => {
      const result = await runInProcess(['case', 'show', 'acme', '14', '--json', '--db', server.database.url])
      assert.equal(result.code, 0, result.stderr)
      return JSON.parse(result.stdout) as { version: number; history: unknown[] }
    }
    const update = (version: string, comment: string) => runInProcess(['workflow', 'update', '14', '--comment', comment, `--if-match=${version}`, ...target])
    const before = await show()
    assert.deepEqual([before.version, before.history], [0, []])
    assert.deepEqual(await update('0', 'first'), { code: 0, stdout: 'Updated case 14\n', stderr: '' })
    assert.equal((await show()).version, 1)
    const stale = await update('0', 'stale')
    assertOneLineFailure(stale, /^400206 Case changed since it was read\n$/)
    assert.equal(stale.code, 1)
    assert.deepEqual(await update(' 1 ', 'second'), { code: 0, stdout: 'Updated case 14\n', stderr: '' })
    const shown = await show()
    assert.deepEqual([shown.version, shown.history.length], [2, 2])
    // Not a version: refused before any call.
    const refused = await Promise.all(['x', '-1', '1.5', '"2"', '', '9007199254740992'].map((bad) => update(bad, 'never')))
    for (const result of refused) assertOneLineFailure(result, /^error: Invalid argument: --if-match must be a case's version/)
    assert.equal((await show()).version, 2)
    // The text form prints the same case.
    const text = await runInProcess(['case', 'show', 'acme', '14', '--db', server.database.url])
    assert.match(text.stdout, /\n {2}"version": 2,\n/)
  })

  await t.test('bad input and an unreachable server: `error: <reason>` on one line', async () => {
    const closed = await closedPort()
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['12', '--url', server.url], {}, /^error: .*API key is required/],
      [['12', '--url', 'ftp://x', ...target.slice(2), '--format', 'yaml'], {}, /^error: .*CG_API_URL must be an http\(s\) URL.*--format must be json or xml/],
      [['12', '--key', key], { CG_API_URL: `http://127.0.0.1:${closed}` }, new RegExp(`^error: Cannot reach http://127\\.0\\.0\\.1:${closed}: ECONNREFUSED\n$`)],
    ]
    const [usage, ...results] = await Promise.all([
      runInProcess(['workflow', 'update', ...target]),
      ...cases.map(([args, env]) => runInProcess(['workflow', 'update', ...args], '', env)),
    ])
    results.forEach((result, index) => assertOneLineFailure(result, cases[index]![2]))
    // Not through assertOneLineFailure: the command's own name trips its check for SQL words.
    assert.deepEqual([usage!.code, usage!.stdout], [2, ''])
    assert.match(usage!.stderr, /^Usage: firehouse workflow update <cgid> [^\n]+\n$/)
  })
})

test('the CLI help lists workflow update with its settings', async () => {
  const { code, stderr } = await runFirehouse(['--help'])
  assert.equal(code, 0)
  assert.match(stderr, /firehouse workflow update <cgid> \[--status S\] \[--comment C\] \[--assigned-to E\] \[--happened-at T\] \[--if-match V\] \[--url U\] \[--key K\] \[--format json\|xml\]/)
  assert.match(stderr, /CG_API_URL/)
  assert.match(stderr, /CG_API_KEY/)
})
