// What /openapi.json allows, the server takes: requests built at the document's own limits (longest
// strings in the widest characters, the largest CG-ID, the longest filters) are answered 200.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { api, expectJson, importFile } from '../helpers/api-v1.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createAnswerValidator, fetchOpenApi, type OpenApiDocument, type SchemaObject } from '../helpers/openapi-answers.js'
import { createTestTenant, post, startTestServer, workflowUrl } from '../helpers/server.js'

const MAX_CGID = Number.MAX_SAFE_INTEGER

/** A property's schema in a named schema, its non-null branch where it is nullable. */
function propertyOf(document: OpenApiDocument, schema: string, property: string): SchemaObject {
  const found = (document.components.schemas[schema]?.properties as Record<string, SchemaObject> | undefined)?.[property]
  assert.ok(found, `${schema}.${property} is not in the document`)
  const branches = (found.anyOf as SchemaObject[] | undefined)?.filter((branch) => branch.type !== 'null')
  return branches?.length === 1 ? branches[0]! : found
}

/** The longest string a schema allows, in characters outside the BMP (two UTF-16 units each). */
function longest(schema: SchemaObject): string {
  assert.equal(typeof schema.maxLength, 'number', `no maxLength: ${JSON.stringify(schema)}`)
  return '🚒'.repeat(schema.maxLength as number)
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] bodies at the documented limits are taken: the import's and v4.1's longest texts, the largest CG-ID, both date forms`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme' })
    const document = await fetchOpenApi(server.url)
    const validator = createAnswerValidator(document)
    const text = (name: string) => longest(propertyOf(document, 'SurveyRecordInput', name))
    const record = {
      number_customergauge: propertyOf(document, 'SurveyRecordInput', 'number_customergauge').maximum,
      nps: 10,
      comment: text('comment'),
      account: text('account'),
      email: text('email'),
      first_name: text('first_name'),
      // Tab, CR and LF are allowed text.
      last_name: `\t\r\n${text('last_name').slice(6)}`,
      date_creation: '2028-02-29T23:59:59.123456789+23:59',
      region: { nested: ['kept', 'as', 'extra'] },
    }
    assert.equal(record.number_customergauge, MAX_CGID)
    const second = { number_customergauge: 1, date_creation: '2028-02-29' }
    const imported = await importFile(server, acme.key, JSON.stringify([record, second]), 'application/json')
    assert.equal(imported.status, 200, await validator.check('importRecords', imported))

    const read = await api(server, acme.key, `/records/${MAX_CGID}`)
    assert.equal(read.status, 200, await validator.check('getRecord', read))
    const comment = longest(propertyOf(document, 'WorkflowInput', 'comment'))
    const answer = await post(workflowUrl(server), JSON.stringify({ number_customergauge: MAX_CGID, comment, status: 'CLOSE' }), {
      key: acme.key,
      contentType: 'application/json',
      headers: { 'idempotency-key': '!~'.repeat(127) + 'x' },
    })
    assert.equal(answer.status, 200, await validator.check('updateWorkflow', answer))
    const theCase = await api(server, acme.key, `/cases/${MAX_CGID}`)
    assert.equal(theCase.status, 200, await validator.check('getCase', theCase))
  })

  test(`[${kind.name}] the feed's cursor for the longest documented filters fits the documented cursor length and is taken back`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [1, 2], detractors: [1, 2] })
    const document = await fetchOpenApi(server.url)
    const parameters = document.paths['/api/v1/cases']?.get?.parameters ?? []
    const maxOf = (name: string) => parameters.find((parameter) => parameter.name === name)?.schema.maxLength as number
    // Control characters are escaped twice in the cursor (its filters are JSON inside JSON): its longest form.
    const assignee = '\u0001'.repeat(maxOf('assigned_to'))
    const query = new URLSearchParams({ assigned_to: assignee, status: 'OPEN', updated_since: '2020-01-01T00:00:00.000000001+00:00', per_page: '1' })
    const page = await expectJson<{ next_cursor: string }>(await api(server, acme.key, `/cases?${query}`))
    assert.ok(page.next_cursor.length <= maxOf('cursor'), `a cursor of ${page.next_cursor.length} characters`)
    query.set('cursor', page.next_cursor)
    await expectJson(await api(server, acme.key, `/cases?${query}`))
  })
}
