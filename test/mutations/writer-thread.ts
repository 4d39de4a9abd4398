// Breaks of issue 17's write path: what crosses back from the SQLite writer thread, serve starting
// it, and the event skipped for tenants without endpoints.

import type { Mutation } from './catalogue.js'

export const WRITER_THREAD_MUTATIONS: Mutation[] = [
  {
    id: 'hot-path-change-seq-not-written',
    guarantee: "SQLite's hot path advances the tenant's change sequence as the general path does (identical tables)",
    file: 'src/service/hot-path.ts',
    find: '      if (tenant && tenant.changeSeq !== tenant.readSeq) statements.setChangeSeq(tenantId, tenant.changeSeq)\n',
    replace: '',
    tests: ['test/service/hot-path-identity.test.ts'],
  },
  {
    id: 'hot-path-skips-version-check',
    guarantee: "SQLite's hot path refuses a call based on another version of the case (400206), as the general path does",
    file: 'src/service/hot-path.ts',
    find: '  checkVersion(writer, current)\n',
    replace: '',
    tests: ['test/service/hot-path-identity.test.ts'],
  },
  {
    id: 'writer-thread-refusal-as-failure',
    guarantee: "a refusal on the writer thread answers its own code and message, as without the thread (not a 500)",
    file: 'src/service/writer-thread-body.ts',
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
  {
    id: 'outbox-skip-with-endpoints',
    guarantee: "a change queues its webhook event when the tenant has an enabled endpoint (the skip is only for tenants without one)",
    file: 'src/store/tenants.ts',
    find: 'hasWebhookEndpoints: Boolean(row.has_webhook_endpoints),',
    replace: 'hasWebhookEndpoints: Boolean(row.has_webhook_endpoints) && false,',
    tests: ['test/http/webhooks.test.ts'],
  },
  {
    id: 'writer-thread-import-inline',
    guarantee: "an import is parsed and written on the writer thread: another tenant's read is answered while it runs",
    file: 'src/service/import-records.ts',
    find: '  if (ctx.writerThread) return ctx.writerThread.importRecordFile(ref, text, format)\n',
    replace: '',
    tests: ['test/reliability/writer-thread.test.ts'],
    testNamePattern: 'answered before the import',
  },
  {
    id: 'writer-thread-from-source-without-tsx',
    guarantee: 'run from source (npm start, tsx), the writer thread registers tsx itself and commits calls instead of dying',
    file: 'src/service/threads.ts',
    find: '  if (!FROM_SOURCE) return new Worker(module, { workerData, resourceLimits })',
    replace: '  if (FROM_SOURCE || !FROM_SOURCE) return new Worker(module, { workerData, resourceLimits })',
    tests: ['test/reliability/writer-thread.test.ts'],
    testNamePattern: 'run from source',
  },
  {
    id: 'import-one-transaction',
    guarantee: 'a large import is written in slices: another tenant\'s v4.1 change waits for one slice, not for the whole file',
    file: 'src/service/import-records.ts',
    find: 'export const IMPORT_SLICE_ROWS = 2_000\n',
    replace: 'export const IMPORT_SLICE_ROWS = 2_000_000\n',
    tests: ['test/reliability/writer-thread.test.ts'],
    testNamePattern: '100,000-row import',
  },
  {
    id: 'import-checked-per-slice',
    guarantee: 'every row of a file is checked before any slice is written: a bad last row writes nothing',
    file: 'src/service/import-records.ts',
    find: '      throw isFirehouseError(error) ? badRow(row.line, error.message, error) : error\n',
    replace: '      await importRecords(ctx, ref, records)\n      throw isFirehouseError(error) ? badRow(row.line, error.message, error) : error\n',
    tests: ['test/service/import-records.test.ts'],
  },
  {
    id: 'serve-listen-failure-keeps-thread',
    guarantee: 'serve that cannot take its port stops its writer thread and exits 1 with a one-line reason (it used to hang)',
    file: 'src/cli/commands/server.ts',
    find: '    await ctx.writerThread?.close()\n    throw error\n',
    replace: '    throw error\n',
    tests: ['test/cli/cli-serve.test.ts'],
    testNamePattern: 'another process listens',
  },
]

