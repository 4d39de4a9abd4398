// The error registry, docs/errors.md and the SPEC §1 table name exactly the same codes and statuses.

import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { ERROR_CODES } from '../../src/domain/errors.js'
import { httpStatusFor } from '../../src/http/errors.js'

const SPEC = new URL('../../../shared/SPEC.md', import.meta.url)
const DOCS = new URL('../../docs/errors.md', import.meta.url)

/** Rows of a markdown table whose first cell is a six-digit code: code -> the other cells. */
function tableRows(markdown: string): Map<number, string[]> {
  const rows = new Map<number, string[]>()
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim())
    if (/^\d{6}$/.test(cells[1] ?? '')) rows.set(Number(cells[1]), cells.slice(2))
  }
  return rows
}

const registry = new Map(Object.entries(ERROR_CODES).map(([name, code]) => [code as number, name]))

test('docs/errors.md lists every registry code with its name and both HTTP statuses, and no other', () => {
  const docs = tableRows(readFileSync(DOCS, 'utf8'))
  assert.deepEqual([...docs.keys()].sort(), [...registry.keys()].sort())
  for (const [code, [name, v41, api]] of docs) {
    assert.equal(name, registry.get(code), `name of ${code}`)
    assert.equal(Number(v41), httpStatusFor(code as never, 'v41'), `v4.1 status of ${code}`)
    assert.equal(Number(api), httpStatusFor(code as never, 'api'), `/api/v1 status of ${code}`)
  }
})

test('the SPEC §1 error table and the registry hold the same codes with the same v4.1 statuses', (t) => {
  if (!existsSync(SPEC)) {
    t.skip('shared/SPEC.md is not beside the project here')
    return
  }
  const spec = tableRows(readFileSync(SPEC, 'utf8'))
  assert.deepEqual([...spec.keys()].sort(), [...registry.keys()].sort())
  for (const [code, [status]] of spec) {
    assert.equal(Number(status), httpStatusFor(code as never, 'v41'), `status of ${code}`)
  }
})
