// Breaks of PostgreSQL's batched writes (src/service/change-batch.ts, src/store/pg-batch-statements.ts).
// Their tests run on PostgreSQL only: without FIREHOUSE_TEST_PG_URL they skip and these survive.

import type { Mutation } from './catalogue.js'

const BATCH_TESTS = ['test/service/change-batch.test.ts']
const IDENTITY = ['test/service/change-batch-identity.test.ts']

export const CHANGE_BATCH_MUTATIONS: Mutation[] = [
  {
    id: 'batch-of-one',
    guarantee: "the calls of one turn share one batch: one read, one write and one commit for all of them",
    file: 'src/service/change-batch.ts',
    find: 'const MAX_BATCH = 256\n',
    replace: 'const MAX_BATCH = 1\n',
    tests: BATCH_TESTS,
    testNamePattern: 'one transaction',
  },
  {
    id: 'batch-ignores-repeated-case',
    guarantee: 'a case met twice in a batch is changed twice, the second time from the first change',
    file: 'src/service/change-batch.ts',
    find: '    if (keys.some((key) => seen.has(key))) {\n',
    replace: '    if (keys.some((key) => seen.has(key)) && keys.length === 0) {\n',
    tests: BATCH_TESTS,
    testNamePattern: 'met twice',
  },
  {
    id: 'batch-write-unguarded',
    guarantee: "a case changed between the batch's read and its write is not overwritten, and only it goes back to the single-call path",
    file: 'src/store/pg-batch-statements.ts',
    find: '  where c.history_count = excluded.history_count - 1\n',
    replace: '',
    tests: BATCH_TESTS,
    testNamePattern: 'between the batch read and write',
  },
  {
    id: 'batch-sequence-reversed',
    guarantee: "a batch's changes take their tenant's sequence numbers in call order, as one call after another would",
    file: 'src/store/pg-batch-statements.ts',
    find: "'bump.change_seq - $2 + i.ord'",
    replace: "'bump.change_seq + 1 - i.ord'",
    tests: IDENTITY,
  },
  {
    id: 'batch-skips-version-check',
    guarantee: 'a batched call based on another version of the case is refused (400206), as on the single-call path',
    file: 'src/service/change-batch.ts',
    find: '  checkVersion(writer, current)\n',
    replace: '',
    tests: IDENTITY,
  },
  {
    id: 'batch-ignores-status-set',
    guarantee: "a tenant with its own status set has its batched calls decided on that set, as on the single-call path",
    file: 'src/service/change-batch.ts',
    find: '  const statusSet = statusSets.get(writer.tenantId) ?? null\n',
    replace: '  const statusSet = null\n',
    tests: IDENTITY,
  },
  {
    id: 'batch-leaves-status-set-tenants',
    guarantee: 'the batch settles the calls of a tenant with its own status set, not only the single-call path',
    file: 'src/service/change-batch.ts',
    find: '  if (!row.record_found) return null\n',
    replace: '  if (!row.record_found || row.extended_statuses === 1) return null\n',
    tests: IDENTITY,
  },
  {
    id: 'batch-key-replays-other-request',
    guarantee: 'a batched call whose Idempotency-Key is stored with another request is refused 300009, as on the single-call path',
    file: 'src/service/change-batch.ts',
    find: '      if (row.stored_request_hash !== hashRequest(writer.tenantId, input)) throw keyMismatch()\n',
    replace: '',
    tests: IDENTITY,
  },
  {
    id: 'batch-key-replays-expired-answer',
    guarantee: 'a batched call whose Idempotency-Key was stored more than 24 h ago is a new request, not a replay',
    file: 'src/service/change-batch.ts',
    find: '      if (row.stored_created_at! < replayWindowStart(now)) return null\n',
    replace: '',
    tests: ['test/http/workflow-idempotency.test.ts'],
  },
  {
    id: 'batch-key-not-stored',
    guarantee: "a batched keyed call's answer is stored by the statement that writes its change",
    file: 'src/store/pg-batch-statements.ts',
    find: "  where i.idempotency_key <> ''\n",
    replace: "  where i.idempotency_key = 'never'\n",
    tests: IDENTITY,
  },
  {
    id: 'batch-key-claim-tolerates-twin',
    guarantee: 'a key a twin stored between the batch read and write fails the whole statement: the change is not written twice',
    file: 'src/store/pg-batch-statements.ts',
    find: "  where i.idempotency_key <> ''\n",
    replace: "  where i.idempotency_key <> ''\n  on conflict do nothing\n",
    tests: BATCH_TESTS,
    testNamePattern: 'stored by a twin',
  },
  {
    id: 'batch-ignores-revoked-key',
    guarantee: "the batch's read refuses a remembered key revoked since (nothing is written)",
    file: 'src/service/change-batch.ts',
    find: '    if (!row.key_valid) return null\n',
    replace: '',
    tests: ['test/http/workflow-key-cache-nodes.test.ts'],
    testNamePattern: 'revoked by another process',
  },
  {
    id: 'batch-queues-no-deliveries',
    guarantee: "a batched change queues its webhook event's deliveries in the same statement",
    file: 'src/store/pg-batch-statements.ts',
    find: '  join webhook_endpoints e on e.tenant_id = $1 and e.enabled = 1\n',
    replace: '  join webhook_endpoints e on e.tenant_id = $1 and e.enabled = 2\n',
    tests: ['test/http/webhooks.test.ts'],
  },
]
