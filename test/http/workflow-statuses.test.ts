// Statuses over real HTTP: the standard words and their aliases, and a tenant's extended set.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { setStatusesFromFile } from '../../src/service/statuses.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  createTestTenant,
  expectError,
  expectOk,
  form,
  post,
  serverPerFile,
  uniqueSlug,
  workflowUrl,
  type TestServer,
} from '../helpers/server.js'

// Two OPEN codes (the lowest is 3), two PROGRESS codes, no CLOSED code.
const EXTENDED_SET =
  'code,label,phase\n5,New,OPEN\n3,Triage,OPEN\n20,Working,PROGRESS\n21,Waiting on customer,PROGRESS\n'

const serverFor = serverPerFile()

async function setup(kind: TestDatabaseKind, extendedStatuses = false) {
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const acme = await createTestTenant(server.ctx, {
    slug,
    records: [12, 13],
    extendedStatuses,
  })
  const send = async (status: string, cgid = 12) =>
    expectOk(
      await post(workflowUrl(server), form({ number_customergauge: cgid, status }), {
        key: acme.key,
      }),
      cgid,
    )
  return { server, acme, send }
}

async function statusOf(
  server: TestServer,
  slug: string,
  cgid = 12,
): Promise<[string | null, number | null, string | null]> {
  const view = await showCase(server.ctx, slug, cgid)
  return [view.status, view.status_code, view.status_label]
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] the standard words and aliases are case-insensitive and trimmed`, async () => {
    const { server, acme, send } = await setup(kind)
    const cases: Array<[string, string]> = [
      ['OPEN', 'OPEN'],
      ['open', 'OPEN'],
      [' In-Progress ', 'PROGRESS'],
      ['PROGRESS', 'PROGRESS'],
      ['in-progress', 'PROGRESS'],
      ['progress', 'PROGRESS'],
      ['CLOSED', 'CLOSED'],
      ['close', 'CLOSED'],
      ['\tClose\t', 'CLOSED'],
      [' Open', 'OPEN'],
    ]
    for (const [word, phase] of cases) {
      await send(word)
      assert.deepEqual(await statusOf(server, acme.slug), [phase, null, phase], word)
    }
    const view = await showCase(server.ctx, acme.slug, 12)
    assert.deepEqual(
      view.history.map((entry) => entry.status_to),
      cases.map(([, phase]) => phase),
    )
  })

  test(`[${kind.name}] a first call without a status opens the case OPEN`, async () => {
    const { server, acme } = await setup(kind)
    await expectOk(
      await post(workflowUrl(server), form({ number_customergauge: 12, comment: 'hello' }), {
        key: acme.key,
      }),
      12,
    )
    assert.deepEqual(await statusOf(server, acme.slug), ['OPEN', null, 'OPEN'])
  })

  test(`[${kind.name}] extended statuses resolve by code and by label, case-insensitively`, async () => {
    const { server, acme, send } = await setup(kind, true)
    const result = await setStatusesFromFile(server.ctx, acme.slug, EXTENDED_SET, 'csv')
    assert.equal(result.extendedEnabled, true)
    await send('20')
    assert.deepEqual(await statusOf(server, acme.slug), ['PROGRESS', 20, 'Working'])
    await send(' waiting ON customer ')
    assert.deepEqual(await statusOf(server, acme.slug), ['PROGRESS', 21, 'Waiting on customer'])
    await send('5')
    assert.deepEqual(await statusOf(server, acme.slug), ['OPEN', 5, 'New'])
    await send('TRIAGE')
    assert.deepEqual(await statusOf(server, acme.slug), ['OPEN', 3, 'Triage'])
    const view = await showCase(server.ctx, acme.slug, 12)
    assert.deepEqual(
      view.history.map((entry) => [entry.status_label_from, entry.status_label_to]),
      [
        [null, 'Working'],
        ['Working', 'Waiting on customer'],
        ['Waiting on customer', 'New'],
        ['New', 'Triage'],
      ],
    )
  })

  test(`[${kind.name}] with an extended set, standard words map to the lowest code of their phase, or to the phase`, async () => {
    const { server, acme, send } = await setup(kind, true)
    await setStatusesFromFile(server.ctx, acme.slug, EXTENDED_SET, 'csv')
    // A call without a status opens the case in the lowest OPEN code.
    await expectOk(
      await post(workflowUrl(server), form({ number_customergauge: 13 }), { key: acme.key }),
      13,
    )
    assert.deepEqual(await statusOf(server, acme.slug, 13), ['OPEN', 3, 'Triage'])
    await send('open')
    assert.deepEqual(await statusOf(server, acme.slug), ['OPEN', 3, 'Triage'])
    await send('IN-PROGRESS')
    assert.deepEqual(await statusOf(server, acme.slug), ['PROGRESS', 20, 'Working'])
    await send('progress')
    assert.deepEqual(await statusOf(server, acme.slug), ['PROGRESS', 20, 'Working'])
    // No CLOSED code in the set: the case takes the phase itself.
    await send('close')
    assert.deepEqual(await statusOf(server, acme.slug), ['CLOSED', null, 'CLOSED'])
    await send('CLOSED')
    assert.deepEqual(await statusOf(server, acme.slug), ['CLOSED', null, 'CLOSED'])
  })

  test(`[${kind.name}] a code or label outside the extended set answers 400011 and writes nothing`, async () => {
    const { server, acme, send } = await setup(kind, true)
    await setStatusesFromFile(server.ctx, acme.slug, EXTENDED_SET, 'csv')
    await send('21')
    const before = await showCase(server.ctx, acme.slug, 12)
    for (const status of ['4', '99', '100', '-3', 'Waiting', 'New!', '020']) {
      for (const format of ['json', 'xml'] as const) {
        await expectError(
          await post(workflowUrl(server, format), form({ number_customergauge: 12, status }), {
            key: acme.key,
          }),
          400,
          400011,
          format,
        )
      }
    }
    assert.deepEqual(await showCase(server.ctx, acme.slug, 12), before)
  })

  test(`[${kind.name}] an extended code or label on a tenant without the extended set answers 400011`, async () => {
    const { server, acme, send } = await setup(kind)
    await send('CLOSED')
    // A stored set does not count until the tenant enables it.
    assert.equal(
      (await setStatusesFromFile(server.ctx, acme.slug, EXTENDED_SET, 'csv')).extendedEnabled,
      false,
    )
    const before = await showCase(server.ctx, acme.slug, 12)
    for (const status of ['20', '3', 'Working', 'triage']) {
      for (const format of ['json', 'xml'] as const) {
        await expectError(
          await post(workflowUrl(server, format), form({ number_customergauge: 12, status }), {
            key: acme.key,
          }),
          400,
          400011,
          format,
        )
      }
    }
    assert.deepEqual(await showCase(server.ctx, acme.slug, 12), before)
  })
}
