// Says which databases the suite runs on: the PostgreSQL half needs FIREHOUSE_TEST_PG_URL, and fails loudly when set but unreachable.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TEST_DATABASES, TEST_PG_URL } from './helpers/databases.js'

test('PostgreSQL half of the suite', { skip: TEST_PG_URL ? false : 'skipped: FIREHOUSE_TEST_PG_URL is not set, so every suite runs on SQLite only' }, async (t) => {
  const postgres = TEST_DATABASES.find((kind) => kind.name === 'postgres')
  if (!postgres) {
    t.skip('narrowed away by FIREHOUSE_TEST_DBS')
    return
  }
  const database = await postgres.create()
  await database.drop()
  assert.ok(database.url.startsWith('postgres'))
})
