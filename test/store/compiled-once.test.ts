// A query compiled once answers every later call with that call's own values, on both databases.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import { importRecords } from '../../src/service/import-records.js'
import { createTenant } from '../../src/service/tenants.js'
import { compiledOnce, compiledOncePerRowCount } from '../../src/store/compiled-once.js'
import type { Database } from '../../src/store/database.js'
import { existingCgids } from '../../src/store/existing-cgids.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { surveyRecord } from '../helpers/server.js'

const recordsOfTenant = compiledOnce({ tenantId: true, minNps: true }, (db, where: { tenantId: string; minNps: number }) =>
  db
    .selectFrom('records')
    .select(['number_customergauge', 'nps'])
    .where('tenant_id', '=', where.tenantId)
    .where('nps', '>=', where.minNps)
    // A constant of the query stays in place among the values.
    .where('nps', '<=', 10)
    .orderBy('number_customergauge'),
)

const insertStatuses = compiledOncePerRowCount(
  { tenant_id: true, code: true, label: true, phase: true },
  (db, rows: { tenant_id: string; code: number; label: string; phase: string }[]) => db.insertInto('statuses').values(rows),
)

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] compiledOnce`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const acme = await createTenant(ctx, { slug: 'acme', region: 'eu' })
    const globex = await createTenant(ctx, { slug: 'globex', region: 'eu' })
    await importRecords(ctx, 'acme', [1, 2, 3, 4].map((cgid) => surveyRecord(cgid, cgid * 2)))
    await importRecords(ctx, 'globex', [5, 6].map((cgid) => surveyRecord(cgid, 9)))

    await t.test('each call gets the rows of its own values, also inside a transaction', async () => {
      const cgids = async (tenantId: string, minNps: number) =>
        (await recordsOfTenant(ctx.store.db, { tenantId, minNps })).map((row) => Number(row.number_customergauge))
      assert.deepEqual(await cgids(acme.id, 0), [1, 2, 3, 4])
      assert.deepEqual(await cgids(acme.id, 6), [3, 4])
      assert.deepEqual(await cgids(globex.id, 0), [5, 6])
      assert.deepEqual(await cgids(globex.id, 10), [])
      const inTransaction = await ctx.store.db.transaction().execute((trx) => recordsOfTenant(trx, { tenantId: acme.id, minNps: 8 }))
      assert.deepEqual(inTransaction.map((row) => Number(row.number_customergauge)), [4])
    })

    await t.test('a multi-row statement is compiled per row count, each row with its own values', async () => {
      const rows = (first: number, count: number) =>
        Array.from({ length: count }, (_, i) => ({ tenant_id: globex.id, code: first + i, label: `Label ${first + i}`, phase: 'PROGRESS' }))
      await insertStatuses(ctx.store.db, rows(1, 3))
      await insertStatuses(ctx.store.db, rows(10, 3))
      await insertStatuses(ctx.store.db, rows(20, 1))
      const stored = await ctx.store.db.selectFrom('statuses').select(['code', 'label']).where('tenant_id', '=', globex.id).orderBy('code').execute()
      assert.deepEqual(
        stored.map((row) => `${row.code}:${row.label}`),
        ['1:Label 1', '2:Label 2', '3:Label 3', '10:Label 10', '11:Label 11', '12:Label 12', '20:Label 20'],
      )
    })

    await t.test('a value shared by all rows is bound from each call, and the rows keep their own', async () => {
      const found = async (tenantId: string, cgids: number[]) =>
        (await existingCgids(ctx.store.db, 'records', tenantId, cgids)).size
      // The same list length twice (one template), each call with its own tenant and CG-IDs.
      assert.equal(await found(acme.id, [1, 2, 5]), 2)
      assert.equal(await found(globex.id, [1, 2, 5]), 1)
      assert.equal(await found(globex.id, [5, 6, 7]), 2)
      // Past one statement's 500: two statements, both answered.
      const many = Array.from({ length: 700 }, (_, i) => i + 1)
      assert.deepEqual([...(await existingCgids(ctx.store.db, 'records', acme.id, many))].sort(), [1, 2, 3, 4])
      const unshared = compiledOncePerRowCount(
        { code: true },
        (db, rows: { code: number }[], _where: { tenant_id: string }) => db.selectFrom('statuses').select('code').where('code', 'in', rows.map((row) => row.code)),
        { tenant_id: true },
      )
      await assert.rejects(unshared(ctx.store.db, [{ code: 1 }], { tenant_id: acme.id }), /tenant_id not used as plain values/)
    })

    await t.test('a value the builder transforms instead of placing it is refused, not run', async () => {
      const lowered = compiledOnce({ email: true }, (db, where: { email: string }) =>
        db.selectFrom('users').selectAll().where('email_lower', 'like', `${where.email}%`),
      )
      await assert.rejects(lowered(ctx.store.db, { email: 'A@B.example' }), /email not used as plain values/)
    })
  })
}

for (const kind of TEST_DATABASES.filter((database) => database.name === 'postgres')) {
  test(`[${kind.name}] a compiledOnce text is a named statement the connection prepares once; a one-off text is not`, async (t) => {
    // One connection, so that its session's prepared statements are the ones every query used.
    const { ctx } = await openTestContext(t, kind, { poolSize: 1 })
    const acme = await createTenant(ctx, { slug: 'acme', region: 'eu' })
    await importRecords(ctx, 'acme', [1, 2, 3].map((cgid) => surveyRecord(cgid, cgid * 3)))
    const preparedBefore = await preparedTexts(ctx.store.db)
    for (const minNps of [0, 4, 7]) await recordsOfTenant(ctx.store.db, { tenantId: acme.id, minNps })
    assert.deepEqual((await recordsOfTenant(ctx.store.db, { tenantId: acme.id, minNps: 7 })).map((row) => Number(row.number_customergauge)), [3])
    await ctx.store.db.selectFrom('records').select('nps').where('number_customergauge', '=', 2).where('nps', '<', 100).execute()
    const added = (await preparedTexts(ctx.store.db)).filter((text) => !preparedBefore.includes(text))
    assert.equal(added.length, 1, `one statement prepared for four calls: ${added.join(' | ')}`)
    assert.match(added[0]!, /"nps" <= \$\d/, 'the template, not the one-off query')
  })
}

async function preparedTexts(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements where name like 'fh\\_%'`.execute(db)
  return rows.map((row) => row.statement)
}
