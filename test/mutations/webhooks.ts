// Breaks of the webhook guarantees (SPEC §8, issue 14).

import type { Mutation } from './catalogue.js'

export const WEBHOOK_MUTATIONS: Mutation[] = [
  {
    id: 'webhook-event-rolled-back-with-call',
    guarantee: 'the event of a call refused after it was queued is rolled back with the call (its own savepoint in group commit)',
    file: 'src/store/batch-transaction.ts',
    find: '        await savepoint.rollbackToSavepoint(SAVEPOINT).execute()\n        results.push({ ok: false, error })',
    replace: '        results.push({ ok: false, error })',
    tests: ['test/service/webhook-outbox.test.ts'],
    testNamePattern: 'rolls the event back',
  },
  {
    id: 'webhook-guarded-write-queues-only-if-written',
    guarantee: "PostgreSQL's guarded update queues its event only when the guard let the case be written (no event for a refused write)",
    file: 'src/store/case-writes.ts',
    find: '.where(sql<boolean>`exists (select 1 from changed)`)',
    replace: '',
    tests: ['test/http/webhooks-ordering.test.ts'],
    testNamePattern: 'postgres',
  },
  {
    id: 'webhook-per-case-order',
    guarantee: "for one endpoint, a case's later event waits until the earlier one succeeded or failed for good",
    file: 'src/store/webhook-deliveries.ts',
    find: ".whereRef('p.entry_seq', '<', 'd.entry_seq'),",
    replace: ".whereRef('p.entry_seq', '<', 'p.entry_seq'),",
    tests: ['test/http/webhooks-ordering.test.ts'],
  },
  {
    id: 'webhook-ssrf-at-delivery',
    guarantee: 'the address a webhook connects to is checked at each delivery, after DNS resolution',
    file: 'src/service/webhooks/send.ts',
    find: 'const refused = addresses.map((entry) => options.policy.refusalOf(entry.address)).find((kind) => kind !== null)',
    replace: 'const refused = null',
    tests: ['test/http/webhooks-ssrf.test.ts'],
    testNamePattern: 'at delivery',
  },
  {
    id: 'webhook-no-echo',
    guarantee: 'an endpoint created with a key is not sent the changes that key makes (exclude_actors defaults to it)',
    file: 'src/service/webhooks/endpoints.ts',
    find: 'input.excludeActors ?? (creator ? [creator] : [])',
    replace: 'input.excludeActors ?? []',
    tests: ['test/http/webhooks.test.ts', 'test/service/webhook-outbox.test.ts'],
  },
  {
    id: 'webhook-exclusion-honoured',
    guarantee: "an endpoint is not sent events whose actor is in its exclude_actors",
    file: 'src/store/webhook-deliveries.ts',
    find: ".where('x.value', '=', text(event.actor)),",
    replace: ".where('x.value', '=', text(event.eventId)),",
    tests: ['test/http/webhooks.test.ts', 'test/service/webhook-outbox.test.ts'],
  },
  {
    id: 'webhook-410-disables',
    guarantee: '410 Gone disables the endpoint',
    file: 'src/service/webhooks/delivery-writes.ts',
    find: '} else if (result.status === 410 && delivery.enabled === 1) {',
    replace: '} else if (false) {',
    tests: ['test/http/webhooks.test.ts'],
  },
  {
    id: 'webhook-ip-literal-unchecked-at-delivery',
    guarantee: 'an IP-literal URL (no look-up) is checked again at delivery: a loopback one allowed by a looser server is refused',
    file: 'src/service/webhooks/send.ts',
    find: '  const refusal = isIpAddress(literal) ? options.policy.refusalOf(literal) : null',
    replace: '  const refusal = null as string | null',
    tests: ['test/http/webhooks-ssrf.test.ts'],
    testNamePattern: 'IP-literal',
  },
]
