// `firehouse webhook add|list|remove|deliveries|redeliver`, run in-process through runCli (SPEC §8).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertOneLineFailure, createWorkspace, lines } from './cli-process.js'

interface HookJson {
  id: string
  url: string
  events: string[]
  exclude_actors: string[]
  enabled: boolean
  secret?: string
}

interface DeliveryPageJson {
  data: { id: string; event_id: string; type: string; number_customergauge: number; status: string }[]
  end_of_stream: boolean
}

test('webhook add prints the secret once, list shows no secret, deliveries and redeliver work on the log, remove deletes; refusals are one line', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  const added = await ws.ok(['webhook', 'add', 'acme', 'http://93.184.216.34/hook', '--events', 'case.opened,case.closed', '--description', 'help desk'])
  const secret = lines(added).at(-1)!
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'the secret alone on the last line')
  const [hook] = await ws.json<HookJson[]>(['webhook', 'list', 'acme'])
  assert.deepEqual([hook!.url, hook!.events, hook!.exclude_actors, hook!.enabled, 'secret' in hook!], ['http://93.184.216.34/hook', ['case.opened', 'case.closed'], [], true, false])
  assert.doesNotMatch(await ws.ok(['webhook', 'list', 'acme']), /whsec_/)

  // An import that opens a case queues its event (no server runs: it stays pending).
  await ws.ok(['records', 'import', 'acme', await ws.file('records.json', JSON.stringify([{ number_customergauge: 7, nps: 2 }]))])
  const log = await ws.json<DeliveryPageJson>(['webhook', 'deliveries', 'acme', hook!.id])
  assert.deepEqual(log.data.map((delivery) => [delivery.type, delivery.number_customergauge, delivery.status]), [['case.opened', 7, 'pending']])
  const queued = await ws.json<{ id: string; event_id: string }>(['webhook', 'redeliver', 'acme', hook!.id, log.data[0]!.id])
  assert.equal(queued.event_id, log.data[0]!.event_id)
  assert.equal((await ws.json<DeliveryPageJson>(['webhook', 'deliveries', 'acme', hook!.id, '--status', 'pending'])).data.length, 2)

  assertOneLineFailure(await ws.run(['webhook', 'add', 'acme', 'http://127.0.0.1:8080/hook']), /^error: Webhook URL not allowed: 127\.0\.0\.1 is a loopback address/)
  assertOneLineFailure(await ws.run(['webhook', 'add', 'acme', 'http://93.184.216.34/', '--events', 'case.lost']), /^error: Invalid argument: unknown event type/)
  assertOneLineFailure(await ws.run(['webhook', 'deliveries', 'acme', hook!.id, '--status', 'lost']), /^error: Invalid argument: status/)
  assert.match(await ws.ok(['webhook', 'remove', 'acme', hook!.id]), /^Removed webhook whk_/)
  assertOneLineFailure(await ws.run(['webhook', 'remove', 'acme', hook!.id]), /^error: Webhook not found/)
  assertOneLineFailure(await ws.run(['webhook', 'deliveries', 'acme', hook!.id]), /^error: Webhook not found/)
})
