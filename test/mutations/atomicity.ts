// Breaks of atomicity, group commit and idempotency (issue 12, items 3–5).

import type { Mutation } from './catalogue.js'

export const ATOMICITY_MUTATIONS: Mutation[] = [
  {
    id: 'failed-unit-rollback',
    guarantee: 'a write refused inside a shared transaction (even after it wrote) undoes its own writes, and only them',
    file: 'src/store/batch-transaction.ts',
    find: '        await savepoint.rollbackToSavepoint(SAVEPOINT).execute()\n        results.push({ ok: false, error })',
    replace: '        results.push({ ok: false, error })',
    tests: ['test/service/group-commit.test.ts', 'test/fuzz/atomic-on-error.test.ts', 'test/fuzz/model-based.test.ts'],
  },
  {
    id: 'group-commit-batches',
    guarantee: 'the writes issued in one turn commit in one transaction (one commit, one fsync), on SQLite',
    file: 'src/service/group-commit.ts',
    find: 'if (!ctx.store.dialect.groupCommit) return',
    replace: 'return',
    tests: ['test/service/group-commit.test.ts'],
    testNamePattern: 'commit once',
  },
  {
    id: 'idempotency-key-in-flight',
    guarantee: 'a keyed request whose twin is still in flight answers 409 300010 over HTTP',
    file: 'src/service/update-workflow.ts',
    find: 'if (ctx.keysInFlight.has(inFlight))',
    replace: 'if (false)',
    tests: ['test/http/workflow-idempotency.test.ts'],
    testNamePattern: 'in flight answers 409',
  },
  {
    id: 'replay-writes-nothing',
    guarantee: "a replayed Idempotency-Key answer writes nothing (its sequence bump is rolled back)",
    file: 'src/service/update-workflow.ts',
    find: 'return undone({ numberCustomergauge: replayedCgid(stored.response), replayed: true })',
    replace: 'return { numberCustomergauge: replayedCgid(stored.response), replayed: true }',
    tests: ['test/fuzz/model-based.test.ts', 'test/http/workflow-idempotency.test.ts'],
  },
]
