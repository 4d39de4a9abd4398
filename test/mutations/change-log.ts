// Breaks of the change log the sync feeds read (docs/decisions.md, "The feed reads the change
// log"): every path writes an entry's change_seq, the migration gives it to the entries written
// before, and PostgreSQL looks a case up per entry instead of joining the tenant's cases.

import type { Mutation } from './catalogue.js'

export const CHANGE_LOG_MUTATIONS: Mutation[] = [
  {
    id: 'change-log-hot-path-entry-without-seq',
    guarantee: "the hot path writes each entry's change_seq as the general path does (identical tables)",
    file: 'src/service/hot-path.ts',
    find: 'entryToRow(caller.tenantId, cgid, entry, tenant.changeSeq)',
    replace: 'entryToRow(caller.tenantId, cgid, entry, null)',
    tests: ['test/service/hot-path-identity.test.ts'],
  },
  {
    id: 'change-log-import-entry-without-seq',
    guarantee: 'a case opened by an import is in the feed (its first entry carries its change_seq)',
    file: 'src/store/case-writes.ts',
    find: 'entryToRow(tenantId, item.cgid, item.entry, item.changeSeq)',
    replace: 'entryToRow(tenantId, item.cgid, item.entry, null)',
    tests: ['test/service/import-records.test.ts'],
    testNamePattern: 'sync feed',
  },
  {
    id: 'change-log-migration-without-backfill',
    guarantee: "after the migration every case written before is in the feed, at its latest entry's change",
    file: 'src/store/migrations/2026-12-07-13-change-log.ts',
    find: '  await sql`update history_entries set change_seq = (',
    replace: '  if (Date.now() < 0) await sql`update history_entries set change_seq = (',
    tests: ['test/store/change-log-migration.test.ts'],
  },
  {
    id: 'change-log-postgres-join-flattened',
    guarantee: "PostgreSQL reads the feed per entry of the log, never by joining every case of the tenant (query plan)",
    file: 'src/store/case-reads.ts',
    find: '            .limit(1)\n',
    replace: '',
    tests: ['test/store/query-plans.test.ts'],
  },
  {
    id: 'change-log-postgres-batch-entry-without-seq',
    guarantee: "PostgreSQL's batched writes give each entry its change's change_seq: a reader paging the feed during concurrent updates ends on every final state",
    file: 'src/store/pg-batch-statements.ts',
    find: 'i.entry_assigned_to, i.comment, bump.change_seq - $2 + i.ord\n',
    replace: 'i.entry_assigned_to, i.comment, null\n',
    tests: ['test/http/api-v1-feed-sync.test.ts'],
    testNamePattern: 'postgres',
  },
  {
    id: 'change-log-postgres-guarded-entry-without-seq',
    guarantee: "PostgreSQL's single guarded write gives its entry the change's change_seq, as the batched writes do (identical tables)",
    file: 'src/store/case-writes.ts',
    find: "                'changed.change_seq',\n",
    replace: "                sql<null>`null`.as('change_seq'),\n",
    tests: ['test/service/change-batch-identity.test.ts'],
  },
]
