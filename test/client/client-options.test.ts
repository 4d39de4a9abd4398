// The client's options (base URL, region, validation) and the package export `firehouse/client`.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { WorkflowApiError, WorkflowClient, type WorkflowClientOptions } from '../../src/client/index.js'
import { parseFlatXml } from '../../src/client/flat-xml.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

test('baseUrl is the given URL without a trailing slash, or the region\'s CustomerGauge host (eu by default)', () => {
  const url = (options: Partial<WorkflowClientOptions>): string => new WorkflowClient({ apiKey: 'fh_k', ...options }).baseUrl
  assert.equal(url({}), 'https://api.eu.customergauge.com')
  assert.equal(url({ region: 'us' }), 'https://api.us.customergauge.com')
  assert.equal(url({ region: 'au' }), 'https://api.au.customergauge.com')
  assert.equal(url({ baseUrl: 'http://127.0.0.1:8080/' }), 'http://127.0.0.1:8080')
  assert.equal(url({ baseUrl: 'https://cg.example.com/firehouse//' }), 'https://cg.example.com/firehouse')
  assert.equal(new WorkflowClient({ apiKey: 'fh_k' }).format, 'json')
})

test('bad options throw a TypeError naming the option', () => {
  const bad: [Partial<WorkflowClientOptions> | undefined, RegExp][] = [
    [undefined, /options must be an object/],
    [{ apiKey: '' }, /apiKey/],
    [{ apiKey: 'fh key' }, /apiKey/],
    [{ apiKey: 'fh_k', region: 'mars' as 'eu' }, /region must be one of eu, us, au/],
    [{ apiKey: 'fh_k', region: 'us', baseUrl: 'http://x' }, /baseUrl or region, not both/],
    [{ apiKey: 'fh_k', baseUrl: 'not a url' }, /baseUrl is not a URL/],
    [{ apiKey: 'fh_k', baseUrl: 'ftp://example.com' }, /http: or https:/],
    [{ apiKey: 'fh_k', baseUrl: 'http://u:p@example.com' }, /credentials/],
    [{ apiKey: 'fh_k', format: 'yaml' as 'json' }, /format must be 'json' or 'xml'/],
    [{ apiKey: 'fh_k', retries: -1 }, /retries/],
    [{ apiKey: 'fh_k', retries: 1.5 }, /retries must be an integer/],
    [{ apiKey: 'fh_k', timeoutMs: 0 }, /timeoutMs/],
    [{ apiKey: 'fh_k', deadlineMs: Number.NaN }, /deadlineMs/],
    [{ apiKey: 'fh_k', retryBaseMs: -5 }, /retryBaseMs/],
    [{ apiKey: 'fh_k', fetch: 'fetch' as unknown as typeof fetch }, /fetch must be a function/],
  ]
  for (const [options, message] of bad) {
    assert.throws(() => new WorkflowClient(options as WorkflowClientOptions), (error: unknown) => error instanceof TypeError && message.test(error.message), JSON.stringify(options))
  }
})

test('an injected fetch is used, and an answer that is no envelope is an http error with code 0', async () => {
  const calls: string[] = []
  const fetch = async (input: string): Promise<Response> => {
    calls.push(input)
    return new Response('<html>hello</html>', { status: 200, headers: { 'content-type': 'text/html' } })
  }
  const client = new WorkflowClient({ apiKey: 'fh_k', baseUrl: 'http://firehouse.invalid', fetch })
  const error = await client.updateWorkflow({ numberCustomergauge: 12 }).catch((caught: unknown) => caught)
  assert.ok(error instanceof WorkflowApiError)
  assert.deepEqual([error.kind, error.code, error.status, error.attempts, error.retryable], ['http', 0, 200, 1, false])
  assert.deepEqual(calls, ['http://firehouse.invalid/v4.1/workflow.json'])
})

test('the flat XML parser reads the two v4.1 shapes and refuses anything else', () => {
  assert.deepEqual(parseFlatXml('<?xml version="1.0" encoding="UTF-8"?>\n<Data><number_customergauge>12</number_customergauge></Data>'), {
    root: 'Data',
    fields: { number_customergauge: '12' },
  })
  assert.deepEqual(parseFlatXml('<Error><Message>a &amp;amp; b&#10;</Message><Code>1</Code><Empty/></Error>'), {
    root: 'Error',
    fields: { Message: 'a &amp; b\n', Code: '1', Empty: '' },
  })
  for (const text of ['', '{"Data":{}}', '<Data><a><b>1</b></a></Data>', '<Data><a>1</a><a>2</a></Data>', '<Data><a x="1">1</a></Data>',
    '<Data><a>&bogus;</a></Data>', '<Data><a>&#x110000;</a></Data>', '<Data><a>1</a></Error>']) {
    assert.equal(parseFlatXml(text), undefined, text)
  }
})

test('`firehouse/client` resolves by package name to the build in dist/ (npm install / npm test build it)', () => {
  assert.ok(existsSync(`${ROOT}dist/client/index.js`), 'dist/client is missing: run `npm run build:client`')
  assert.ok(existsSync(`${ROOT}dist/client/index.d.ts`), 'the declarations are missing')
  const run = spawnSync(process.execPath, [fileURLToPath(new URL('./fixtures/import-client.mjs', import.meta.url))], { cwd: ROOT, encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout, 'ok\n')
})
