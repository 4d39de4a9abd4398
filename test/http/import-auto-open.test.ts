// SPEC §9's auto_open rule over POST /api/v1/records: which imported records open a case — an NPS in the
// range, a named record field that is true (JSON true, or the text true, 1 or yes in any case), either,
// neither — in JSON, NDJSON and CSV, on both databases.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createApiKey } from '../../src/service/api-keys.js'
import type { CaseJson } from '../../src/service/case-view.js'
import { api, expectJson, importFile, type ImportAnswer } from '../helpers/api-v1.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { createTestTenant, serverPerFile, uniqueSlug } from '../helpers/server.js'

const serverFor = serverPerFile()

async function setup(kind: TestDatabaseKind, tenant: { autoOpen?: boolean } = {}) {
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const acme = await createTestTenant(server.ctx, { slug, ...tenant })
  const admin = (await createApiKey(server.ctx, slug, 'admin', { admin: true })).key
  const setAutoOpen = async (autoOpen: Record<string, unknown>) =>
    expectJson(await api(server, admin, '/settings/workflow', { method: 'PUT', body: JSON.stringify({ auto_open: autoOpen }), contentType: 'application/json' }))
  const load = async (body: string, contentType: string) => expectJson<ImportAnswer>(await importFile(server, acme.key, body, contentType))
  /** The CG-IDs among `cgids` that have a case, each opened by the import. */
  const opened = async (cgids: readonly number[]): Promise<number[]> => {
    const withCase: number[] = []
    for (const cgid of cgids) {
      const shown = await expectJson<CaseJson>(await api(server, acme.key, `/cases/${cgid}`))
      if (shown.status === null) continue
      assert.deepEqual(shown.history.map((entry) => [entry.actor, entry.status_to]), [['import', 'OPEN']])
      withCase.push(cgid)
    }
    return withCase
  }
  return { setAutoOpen, load, opened }
}

const ndjson = (rows: readonly object[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n'

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] by default NPS 0–6 opens a case and 7–10 do not; a record that has a case is not opened again`, async () => {
    const { load, opened } = await setup(kind)
    const rows = Array.from({ length: 11 }, (_, nps) => ({ number_customergauge: nps + 1, nps }))
    assert.deepEqual(await load(JSON.stringify(rows), 'application/json'), { imported: 11, updated: 0, opened: 7 })
    assert.deepEqual(await opened(rows.map((row) => row.number_customergauge)), [1, 2, 3, 4, 5, 6, 7])
    assert.deepEqual(await load(JSON.stringify(rows), 'application/json'), { imported: 0, updated: 11, opened: 0 })
  })

  test(`[${kind.name}] an NPS range set by PUT is the one the next import uses (9–10 here); both null opens none by NPS`, async () => {
    const { setAutoOpen, load, opened } = await setup(kind)
    await setAutoOpen({ nps_min: 9, nps_max: 10 })
    const rows = Array.from({ length: 11 }, (_, nps) => ({ number_customergauge: nps + 1, nps }))
    assert.equal((await load(ndjson(rows), 'application/x-ndjson')).opened, 2)
    assert.deepEqual(await opened(rows.map((row) => row.number_customergauge)), [10, 11])
    await setAutoOpen({ nps_min: null, nps_max: null })
    const more = Array.from({ length: 11 }, (_, nps) => ({ number_customergauge: nps + 21, nps }))
    assert.equal((await load(ndjson(more), 'application/x-ndjson')).opened, 0)
  })

  test(`[${kind.name}] a contact-me field opens a case when it is JSON true or the text true, 1 or yes in any case; anything else does not`, async () => {
    const { setAutoOpen, load, opened } = await setup(kind)
    await setAutoOpen({ nps_min: null, nps_max: null, field: 'contact_me' })
    const yes = [true, 'true', 'TRUE', ' yes ', 'Yes', '1']
    const no = [false, 'false', 'no', '0', '', 'y', 'on', 1, 0, null, { value: true }, ['yes']]
    const rows = [...yes, ...no].map((contact, i) => ({ number_customergauge: i + 1, nps: 9, contact_me: contact }))
    rows.push({ number_customergauge: 100, nps: 2 } as (typeof rows)[number])
    assert.equal((await load(JSON.stringify(rows), 'application/json')).opened, yes.length)
    assert.deepEqual(await opened(rows.map((row) => row.number_customergauge)), yes.map((_, i) => i + 1))

    const csv = 'number_customergauge,nps,contact_me\n201,9,yes\n202,9,no\n203,9,1\n204,9,\n205,3,TRUE\n'
    assert.equal((await load(csv, 'text/csv')).opened, 3)
    assert.deepEqual(await opened([201, 202, 203, 204, 205]), [201, 203, 205])
  })

  test(`[${kind.name}] with both an NPS range and a field, either is enough`, async () => {
    const { setAutoOpen, load, opened } = await setup(kind)
    await setAutoOpen({ nps_min: 0, nps_max: 3, field: 'escalate' })
    const rows = [
      { number_customergauge: 1, nps: 2, escalate: 'no' },
      { number_customergauge: 2, nps: 9, escalate: 'yes' },
      { number_customergauge: 3, nps: 9, escalate: 'no' },
      { number_customergauge: 4, nps: 5 },
      { number_customergauge: 5, nps: null, escalate: true },
    ]
    assert.equal((await load(JSON.stringify(rows), 'application/json')).opened, 3)
    assert.deepEqual(await opened([1, 2, 3, 4, 5]), [1, 2, 5])
  })

  test(`[${kind.name}] a tenant created with --no-auto-open opens nothing until a rule is set`, async () => {
    const { setAutoOpen, load, opened } = await setup(kind, { autoOpen: false })
    const rows = [{ number_customergauge: 1, nps: 0, contact_me: 'yes' }]
    assert.equal((await load(JSON.stringify(rows), 'application/json')).opened, 0)
    await setAutoOpen({ field: 'contact_me' })
    assert.equal((await load(JSON.stringify([{ number_customergauge: 2, nps: 9, contact_me: 'yes' }]), 'application/json')).opened, 1)
    assert.deepEqual(await opened([1, 2]), [2])
  })
}
