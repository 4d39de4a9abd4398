// Breaks of PostgreSQL plans, shutdown, crash safety and the always-true asserts (issue 12, items 1, 2, 8).

import type { Mutation } from './catalogue.js'

export const CRASH_AND_SHUTDOWN_MUTATIONS: Mutation[] = [
  {
    id: 'pg-custom-plans',
    guarantee: 'PostgreSQL re-plans foreign-key checks for the table as it is (needs FIREHOUSE_TEST_PG_URL, else skipped and survived)',
    file: 'src/store/dialect.ts',
    find: "    options: '-c plan_cache_mode=force_custom_plan',\n",
    replace: '',
    tests: ['test/store/postgres-plans.test.ts'],
  },
  {
    id: 'sigterm-finishes-in-flight',
    guarantee: 'on SIGTERM, calls in flight answer 200 and are written before the process exits',
    file: 'src/cli/commands/server.ts',
    find: "    process.once('SIGTERM', () => resolve())",
    replace: "    process.once('SIGTERM', () => process.exit(0))",
    tests: ['test/http/operations.test.ts'],
    testNamePattern: 'SIGTERM',
  },
]
