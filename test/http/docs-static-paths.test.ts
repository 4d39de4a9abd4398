// The /docs page's files, asked for as-is on a raw socket without a key: a path they refuse (NUL,
// `.`, `..`) is 404 300002 and a request they cannot meet (Range, If-Match) 400 300001, in the SPEC
// envelope, never a 500; the log holds no error and no stack for them (issue 13, item 7).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { spawnServer } from '../helpers/process.js'
import { exchange } from '../helpers/raw-http.js'
import { expectCode } from '../helpers/server.js'

/** [the request target, one more header line (or none), the code] */
const REFUSED: ReadonlyArray<readonly [string, string, number]> = [
  ['/docs/static/%00', '', 300002],
  ['/docs/static/./swagger-ui.css', '', 300002],
  ['/docs/static/../../package.json', '', 300002],
  ['/docs/static/%2e%2e/%2e%2e/package.json', '', 300002],
  ['/docs/static/..%2f..%2fpackage.json', '', 300002],
  ['/docs/static/\\..\\package.json', '', 300002],
  ['/docs/static/swagger-ui.css', 'Range: bytes=99999999-\r\n', 300001],
  ['/docs/static/swagger-ui.css', 'If-Match: "not-this-one"\r\n', 300001],
]

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] refused /docs/static paths answer 404 300002 (or 400 300001) with the headers, and log no error or stack`, async (t) => {
    const { database } = await openTestContext(t, kind)
    const server = await spawnServer(database.url, { env: { FIREHOUSE_LOG_LEVEL: 'info' } })
    t.after(() => server.stop('SIGKILL'))
    for (const [target, header, code] of REFUSED) {
      const [answer] = await exchange(server.url, `GET ${target} HTTP/1.1\r\nHost: x\r\n${header}Connection: close\r\n\r\n`)
      assert.ok(answer, target)
      assert.match(answer.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, target)
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', target)
      await expectCode(answer, code).catch((error: Error) => assert.fail(`${target} ${header}: ${error.message}`))
    }
    // The page's files themselves are still served.
    const [css] = await exchange(server.url, 'GET /docs/static/swagger-ui.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    assert.equal(css?.status, 200)
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/)
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg?: string })
    assert.ok(lines.some((line) => line.msg === 'request completed'), 'the server logged no request at all')
    assert.deepEqual(lines.filter((line) => line.level >= 50), [], 'an error was logged')
    assert.doesNotMatch(server.output(), /"stack"|\bat .*\.[cm]?js:\d/)
  })
}
