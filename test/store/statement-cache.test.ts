// The statement cache hands back the statement prepared before for the same text, and stays bounded.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { withStatementCache } from '../../src/store/statement-cache.js'

function countingDatabase() {
  const database = new BetterSqlite3(':memory:')
  let prepared = 0
  return {
    database,
    prepared: () => prepared,
    wrapped: withStatementCache({
      close: () => database.close(),
      prepare: (sql: string) => {
        prepared += 1
        return database.prepare(sql)
      },
    }),
  }
}

test('a text is prepared once and its statement reused with new parameters', () => {
  const { wrapped, prepared } = countingDatabase()
  wrapped.prepare('create table t (x integer)').run([])
  for (let x = 1; x <= 100; x += 1) wrapped.prepare('insert into t (x) values (?)').run([x])
  assert.deepEqual(wrapped.prepare('select count(*) as n, sum(x) as s from t').all([]), [{ n: 100, s: 5050 }])
  assert.equal(prepared(), 3)
  wrapped.close()
})

test('a statement still works after the schema changed under it', () => {
  const { wrapped } = countingDatabase()
  wrapped.prepare('create table t (x integer)').run([])
  wrapped.prepare('insert into t (x) values (?)').run([1])
  wrapped.prepare('alter table t add column y integer default 7').run([])
  assert.deepEqual(wrapped.prepare('select * from t').all([]), [{ x: 1, y: 7 }])
  wrapped.close()
})

test('texts used once are evicted, so the cache stays bounded', () => {
  const { wrapped, prepared } = countingDatabase()
  for (let i = 0; i < 2_000; i += 1) wrapped.prepare(`select ${i} as v`).all([])
  assert.equal(prepared(), 2_000)
  wrapped.prepare('select 1999 as v').all([])
  assert.equal(prepared(), 2_000, 'a recent text is still cached')
  wrapped.prepare('select 0 as v').all([])
  assert.equal(prepared(), 2_001, 'the oldest text was evicted')
  wrapped.close()
})

// Two texts prepared before all others; only the first keeps being used. First-in-first-out
// would evict it first (it is the oldest); least-recently-used evicts the one left alone.
// The loop outlasts any capacity below 2,000 without the test knowing the cache's size.
test('texts that vary with their input are evicted, least recently used first', () => {
  const { wrapped, prepared } = countingDatabase()
  const reused = 'select 1 as reused'
  const leftAlone = 'select 1 as left_alone'
  wrapped.prepare(reused).all([])
  wrapped.prepare(leftAlone).all([])
  for (let i = 0; i < 2_000; i += 1) {
    wrapped.prepare(`select ${i} as v`).all([])
    wrapped.prepare(reused).all([])
  }
  assert.equal(prepared(), 2 + 2_000, 'the text reused between the others was never prepared again')
  wrapped.prepare(leftAlone).all([])
  assert.equal(prepared(), 2 + 2_000 + 1, 'the text left alone since the start was evicted')
  wrapped.close()
})
