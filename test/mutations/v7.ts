// Breaks of v7 Close the Loop (SPEC §10, issue 16): the feed's hours, days, cursor, tenant and note; the PUT's rules and checks.

import type { Mutation } from './catalogue.js'

const PUT_TEST = 'test/http/v7-close-loop.test.ts'
const SYNC_TEST = 'test/http/v7-sync.test.ts'

/**
 * A v7 write of its own, as a hurried port might have done: the case changed and logged in a
 * transaction, but without validateChange, so without the tenant's workflow rules.
 */
const WRITE_WITHOUT_RULES = `const { inTransaction } = await import('./transaction.js')
  const { nextChangeSeq } = await import('../store/tenants.js')
  const { readCaseOfRecord, rowToCaseState } = await import('../store/case-reads.js')
  const { saveCaseChange } = await import('../store/case-writes.js')
  const { applyChange } = await import('../domain/case.js')
  const { resolveStatus } = await import('../domain/status.js')
  await inTransaction(ctx, async (trx) => {
    const ticket = await nextChangeSeq(trx, caller.tenantId)
    const { current } = await readCaseOfRecord(trx, caller.tenantId, input.numberCustomergauge)
    const change = { status: resolveStatus(input.status!, null), assignedTo: undefined, comment: input.comment, actor: \`key:\${caller.keyId}\`, happenedAt: input.happenedAt }
    const { next, entry } = applyChange(current && rowToCaseState(current), change, ctx.now().toISOString(), resolveStatus('OPEN', null)!)
    await saveCaseChange(trx, caller.tenantId, input.numberCustomergauge, next, entry, ticket.changeSeq)
  })`

export const V7_MUTATIONS: Mutation[] = [
  {
    id: 'v7-hours-rounded',
    guarantee: 'time_to_follow_up and time_to_close are whole hours rounded down (1 h 59 min is 1)',
    file: 'src/service/close-loop.ts',
    find: 'Math.floor(seconds / SECONDS_PER_HOUR)',
    replace: 'Math.round(seconds / SECONDS_PER_HOUR)',
    tests: [SYNC_TEST],
    testNamePattern: 'rounded down',
  },
  {
    id: 'v7-end-date-exclusive',
    guarantee: 'updated_at[end] includes its whole day, to 23:59:59.999',
    file: 'src/service/close-loop.ts',
    find: 'new Date(Date.parse(startOfDay(text, name)) + 24 * SECONDS_PER_HOUR * 1000)',
    replace: 'new Date(Date.parse(startOfDay(text, name)) + 23 * SECONDS_PER_HOUR * 1000)',
    tests: [SYNC_TEST],
    testNamePattern: 'both included',
  },
  {
    id: 'v7-empty-page-cursor-zero',
    guarantee: 'a page with no data returns the cursor it was given',
    file: 'src/service/close-loop.ts',
    find: 'cursor: rows.length === 0 ? cursor :',
    replace: 'cursor: rows.length === 0 ? 0 :',
    tests: [SYNC_TEST],
    testNamePattern: '1,000|isolated',
  },
  {
    id: 'v7-sync-without-tenant',
    guarantee: "the feed's query is scoped by the tenant: B's cursor and pages never show A's cases",
    file: 'src/store/case-reads.ts',
    find: ".where('h.tenant_id', '=', tenantId).where('h.change_seq', '>', afterSeq)",
    replace: ".where('h.change_seq', '>', afterSeq)",
    tests: [SYNC_TEST],
    testNamePattern: 'isolated',
  },
  {
    id: 'v7-note-from-latest-entry',
    guarantee: "note is the comment of the case's latest entry that has one, not of the latest entry",
    file: 'src/store/close-loop.ts',
    find: "    .where('comment', 'is not', null)\n",
    replace: '',
    tests: [SYNC_TEST],
    testNamePattern: 'note is',
  },
  {
    id: 'v7-put-bypasses-rules',
    guarantee: "v7's PUT goes through v4.1's write: the workflow rules refuse with 400205 and 400204",
    file: 'src/service/close-loop.ts',
    find: 'await updateWorkflow(ctx, caller, input, options)',
    replace: WRITE_WITHOUT_RULES,
    tests: [PUT_TEST],
    testNamePattern: 'workflow rules',
  },
  {
    id: 'v7-put-ignores-if-match',
    guarantee: "v7's PUT passes If-Match to the write: a stale version is 409 400206",
    file: 'src/http/routes/v7.ts',
    find: '{ idempotencyKey, expectedVersion }',
    replace: '{ idempotencyKey }',
    tests: [PUT_TEST],
    testNamePattern: 'If-Match',
  },
  {
    id: 'v7-status-any-case',
    guarantee: "v7's status is open, progress or closed in lower case only (400011 otherwise)",
    file: 'src/domain/close-loop-input.ts',
    find: 'Object.hasOwn(CLOSE_LOOP_STATUSES, value) ? CLOSE_LOOP_STATUSES[value] : undefined',
    replace: 'CLOSE_LOOP_STATUSES[value.trim().toLowerCase()]',
    tests: [PUT_TEST],
    testNamePattern: 'base status|errors',
  },
  {
    id: 'v7-unknown-field-ignored',
    guarantee: "v7's PUT body is strict: an unknown field is 300001 and writes nothing",
    file: 'src/domain/close-loop-input.ts',
    find: 'if (!(CLOSE_LOOP_FIELDS as readonly string[]).includes(name)) {',
    replace: 'if (false) {',
    tests: [PUT_TEST],
    testNamePattern: 'errors',
  },
]
