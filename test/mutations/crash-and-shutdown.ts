// Breaks of PostgreSQL plans, graceful shutdown and the spawning helpers' build check (issue 12, items 1, 2 and the dist/ note).

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
  {
    id: 'dist-older-than-src',
    guarantee: 'a spawned server or CLI never runs a dist/ older than src/',
    file: 'test/helpers/fresh-build.ts',
    find: '    if (statSync(output).mtimeMs < statSync(source).mtimeMs) return name\n',
    replace: '',
    tests: ['test/helpers/fresh-build.test.ts'],
  },
  {
    id: 'dist-missing-a-source',
    guarantee: 'a spawned server or CLI never runs a dist/ that lacks a file of src/',
    file: 'test/helpers/fresh-build.ts',
    find: '    if (!existsSync(output)) return name\n',
    replace: '    if (!existsSync(output)) continue\n',
    tests: ['test/helpers/fresh-build.test.ts'],
  },
]
