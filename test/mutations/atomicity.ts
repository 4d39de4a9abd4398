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
]
