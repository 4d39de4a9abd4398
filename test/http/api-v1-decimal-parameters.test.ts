// Integer parameters of /api/v1 are decimal digits as sent (SPEC §5, issue 13 item 12): per_page and
// the CG-ID in the path are never reinterpreted (0x10, 1e3, +5, 5.0 are 300001, not 16, 1000 or 5).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { api, expectApiError, getFeed } from '../helpers/api-v1.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, startTestServer } from '../helpers/server.js'

const NOT_DECIMAL = ['0x10', '1e3', '1E3', '+5', '%205', '5%20', '5.0', '0b11', '1_000', 'Infinity', '%D9%A3']

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] per_page and {cgid} written other than in decimal digits answer 300001 naming the parameter`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [16, 1000], detractors: [16, 1000] })
    for (const value of NOT_DECIMAL) {
      assert.match(await expectApiError(await api(server, acme.key, `/cases?per_page=${value}`), 300001), /per_page/, value)
      for (const path of ['/cases/', '/records/']) {
        assert.match(await expectApiError(await api(server, acme.key, `${path}${value}`), 300001), /cgid/, `${path}${value}`)
      }
    }
    // The same values in decimal digits are taken (leading zeros included).
    assert.equal((await getFeed(server, acme.key, 'per_page=016')).data.length, 2)
    assert.equal((await getFeed(server, acme.key, 'per_page=1')).data.length, 1)
    for (const path of ['/cases/16', '/cases/0016', '/records/1000']) assert.equal((await api(server, acme.key, path)).status, 200, path)
  })

  test(`[${kind.name}] the status filter takes the three phases and their v4.1 words, in any letter case; anything else is 300001`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [1], detractors: [1] })
    for (const status of ['OPEN', 'open', '%20Open%20', 'PROGRESS', 'IN-PROGRESS', 'in-progress', 'CLOSED', 'close']) {
      const page = await getFeed(server, acme.key, `status=${status}`)
      assert.deepEqual(page.data.map((c) => c.number_customergauge), /open/i.test(status) ? [1] : [], status)
    }
    for (const status of ['DONE', '7', '', 'OPEN,CLOSED']) await expectApiError(await api(server, acme.key, `/cases?status=${status}`), 300001)
  })
}
