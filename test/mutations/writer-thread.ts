// Breaks of the SQLite writer thread (issue 17): what crosses back from it, and serve starting it.

import type { Mutation } from './catalogue.js'

export const WRITER_THREAD_MUTATIONS: Mutation[] = [
  {
    id: 'writer-thread-refusal-as-failure',
    guarantee: "a refusal on the writer thread answers its own code and message, as without the thread (not a 500)",
    file: 'src/service/workflow-writer-thread.ts',
    find: 'error instanceof FirehouseError',
    replace: 'error instanceof FirehouseError && error.code < 0',
    tests: ['test/reliability/writer-thread.test.ts'],
    testNamePattern: 'same 600 generated calls',
  },
  {
    id: 'writer-thread-not-started',
    guarantee: 'serve on SQLite writes v4.1 calls on the writer thread (its calls are counted on /metrics)',
    file: 'src/cli/commands/server.ts',
    find: '  if (threaded(ctx, config)) useWriterThread(ctx, config.db)\n',
    replace: '',
    tests: ['test/reliability/writer-thread.test.ts'],
    testNamePattern: 'same 600 generated calls',
  },
]
