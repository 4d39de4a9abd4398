// Breaks of the leaner v4.1 writes: the callers they remember (src/service/cached-callers.ts),
// which must refuse a revoked key on the next request of every process whatever else is wrong
// with it, and the statements each PostgreSQL connection prepares once (src/store/prepared-texts.ts).

import type { Mutation } from './catalogue.js'

const TESTS = ['test/http/workflow-key-cache-nodes.test.ts']
const PATTERN = 'revoked by another process'

export const LEAN_WRITE_MUTATIONS: Mutation[] = [
  {
    id: 'caller-cache-read-ignores-key',
    guarantee: "the guarded write's read refuses a remembered key revoked since (nothing is written)",
    file: 'src/service/update-workflow.ts',
    find: '    if (!read.keyValid) {\n',
    replace: "    if (!read.keyValid && caller.actor === '') {\n",
    tests: TESTS,
    testNamePattern: PATTERN,
  },
  {
    id: 'caller-cache-errors-unconfirmed',
    guarantee: "a remembered caller's key is looked up before an error answer: a revoked key answers 200000, not the request's other fault",
    file: 'src/http/routes/workflow-v41.ts',
    find: '    await confirmCaller(ctx, request.caller)\n',
    replace: '',
    tests: TESTS,
    testNamePattern: PATTERN,
  },
  {
    id: 'caller-cache-keyed-fallback-unconfirmed',
    guarantee: "a keyed call the PostgreSQL batch leaves to its transaction (the key no longer valid) looks the remembered key up first: nothing is written",
    file: 'src/service/update-workflow.ts',
    find: '    if (batched) await confirmCaller(ctx, caller)\n',
    replace: '',
    tests: TESTS,
    testNamePattern: PATTERN,
  },
  {
    id: 'prepared-texts-unnamed',
    guarantee: 'a compiledOnce template is sent as a named statement on PostgreSQL (parsed once per connection)',
    file: 'src/store/compiled-once.ts',
    find: '  markForPreparing(compiled.sql)\n',
    replace: '',
    tests: ['test/store/compiled-once.test.ts'],
  },
  {
    id: 'caller-cache-hot-path-ignores-key',
    guarantee: "SQLite's hot path refuses a remembered key revoked since (nothing is written)",
    file: 'src/service/hot-path.ts',
    find: '  if (caller.unconfirmedKey && !statements.keyValid(caller.unconfirmedKey.hash, caller.tenantId)) {\n',
    replace: '  if (caller.unconfirmedKey && caller.actor === \'\') {\n',
    tests: TESTS,
    testNamePattern: PATTERN,
  },
  {
    id: 'checkpoint-restart-never-due',
    guarantee: 'under a steady stream of commits that never checkpoint, the writer finishes a checkpoint when the WAL is long, so SQLite reuses it (bounded)',
    file: 'src/service/checkpoint-thread.ts',
    find: '    restartDue: () => !running && logFrames >= restartFrames,\n',
    replace: '    restartDue: () => false,\n',
    tests: ['test/service/checkpoint-thread.test.ts'],
  },
  {
    id: 'checkpoint-thread-never-lets-go',
    guarantee: 'the checkpoint thread stops asking for checkpoints while the WAL is long, so the writer gets its turn',
    file: 'src/service/checkpoint-thread.ts',
    find: '  const mayCheckpoint = (): boolean => !closing && logFrames < restartFrames\n',
    replace: '  const mayCheckpoint = (): boolean => !closing\n',
    tests: ['test/service/checkpoint-thread.test.ts'],
  },
  {
    id: 'commits-still-checkpoint',
    guarantee: "with a checkpoint thread, the writer's commits no longer checkpoint (past SQLite's 1,000 pages the database file stays as it was until the thread copies)",
    file: 'src/store/wal-checkpoints.ts',
    find: '  database.pragma(`wal_autocheckpoint = ${enabled ? SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES : 0}`)\n',
    replace: '  database.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`)\n',
    tests: ['test/service/checkpoint-thread.test.ts'],
  },
  {
    id: 'heap-growth-unbounded',
    guarantee: "serve's bound on heap growth takes effect at run time: the old generation stays within half of what V8 alone lets it grow to",
    file: 'src/cli/heap-growth.ts',
    find: '  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)\n',
    replace: '',
    tests: ['test/cli/heap-growth.test.ts'],
  },
  {
    id: 'checkpoint-thread-loads-query-builder',
    guarantee: 'the checkpoint thread loads better-sqlite3 and nothing else (every module a thread loads stays in its heap)',
    file: 'src/store/wal-checkpoints.ts',
    find: "import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-busy-timeout.js'\n",
    replace: "import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-busy-timeout.js'\nimport './dialect.js'\n",
    tests: ['test/architecture/boundaries.test.ts'],
  },
  {
    id: 'checkpoint-thread-young-generation-unbounded',
    guarantee: "the checkpoint thread runs with a bounded young generation (V8's default would hold up to 48 MB)",
    file: 'src/service/checkpoint-thread.ts',
    find: "  return startThread('checkpoint-thread-body', { file }, { maxYoungGenerationSizeMb: CHECKPOINT_YOUNG_GENERATION_MB })\n",
    replace: "  return startThread('checkpoint-thread-body', { file })\n",
    tests: ['test/service/checkpoint-thread-heap.test.ts'],
  },
  {
    id: 'writer-thread-young-generation-unbounded',
    guarantee: "the writer thread runs with a bounded young generation (V8's default held up to 48 MB: RSS under load over 200 MiB)",
    file: 'src/service/writer-thread.ts',
    find: "  return startThread('writer-thread-body', { dbUrl }, { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB })\n",
    replace: "  return startThread('writer-thread-body', { dbUrl })\n",
    tests: ['test/service/checkpoint-thread-heap.test.ts'],
  },
  {
    id: 'import-slices-before-waiting-writes',
    guarantee: 'between two slices of an import, the writes whose messages arrived during the first go before the second (one slice of waiting, not two)',
    file: 'src/service/waiting-writes.ts',
    find: '  await nextImmediate()\n  await nextImmediate()\n',
    replace: '  await nextImmediate()\n',
    tests: ['test/service/waiting-writes.test.ts'],
  },
]
