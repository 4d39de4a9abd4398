// M1 model-based: fast-check command sequences (valid/invalid updates, idempotent replays, key reuse with
// another body, another tenant's key, key revocation, changes of the workflow rules) against a tiny model
// of cases, history, rules (SPEC §9) and answers.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { createApiKey, revokeApiKey } from '../../src/service/api-keys.js'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { readTenantRows } from '../helpers/raw-tables.js'
import { createTestTenant, startTestServer, type TestServer } from '../helpers/server.js'
import { checkAnswer, describeTally, send, tally } from './fuzz-support.js'

// The plan's bar is 200 runs (FIREHOUSE_FUZZ_RUNS=200); 80 keeps the file near 40 s a database on the 2-core machine.
const RUNS = Number(process.env.FIREHOUSE_FUZZ_RUNS ?? 80)
const MAX_COMMANDS = 50
const CGIDS = [1, 2] as const
const PHASE: Record<string, 'OPEN' | 'PROGRESS' | 'CLOSED'> = { OPEN: 'OPEN', PROGRESS: 'PROGRESS', 'IN-PROGRESS': 'PROGRESS', CLOSE: 'CLOSED', CLOSED: 'CLOSED' }
const USERS: Record<string, string> = { 'des@acme.test': 'des@acme.test', 'ann@acme.test': 'Ann@acme.test' }

interface Update {
  cgid: number
  status?: string
  assignedTo?: string
  comment?: string
}
/** The tenant's rules as the model holds them (auto_open plays no part: the records exist from the start). */
interface ModelRules {
  progressive: boolean
  comment_on_status_change: boolean
  comment_on_reassign: boolean
}
const NO_RULES: ModelRules = { progressive: false, comment_on_status_change: false, comment_on_reassign: false }

interface Model {
  cases: Map<number, { status: string; assignedTo: string | null; history: number }>
  rules: ModelRules
  /** Idempotency keys of successful calls (per tenant, whichever API key sent them) → the call. */
  keys: Map<string, Update>
}
interface Real {
  server: TestServer
  slug: string
  key: string
  keyId: string
  /** An admin key of the tenant: it changes the rules. */
  adminKey: string
  otherKey: string
  codes: Map<string, number>
  nextKey: number
}

/** Sends one v4.1 call; returns the error code or null, after the oracle's checks. */
async function call(real: Real, update: Update, options: { key?: string; idempotencyKey?: string; format?: 'json' | 'xml' } = {}): Promise<number | null> {
  const fields: Record<string, string> = { number_customergauge: String(update.cgid) }
  if (update.status !== undefined) fields.status = update.status
  if (update.assignedTo !== undefined) fields.assigned_to = update.assignedTo
  if (update.comment !== undefined) fields.comment = update.comment
  const target = `/v4.1/workflow.${options.format ?? 'json'}`
  const headers: Array<readonly [string, string]> = [
    ['Authorization', `api_key ${options.key ?? real.key}`],
    ['Content-Type', 'application/x-www-form-urlencoded'],
  ]
  if (options.idempotencyKey !== undefined) headers.push(['Idempotency-Key', options.idempotencyKey])
  const answer = await send(real.server, { method: 'POST', target, headers, body: Buffer.from(new URLSearchParams(fields).toString()) })
  const { code } = checkAnswer({ method: 'POST', target }, answer)
  tally(real.codes, code ?? 'ok')
  return code
}

/** The model's update of a case by a successful call. */
function apply(model: Model, update: Update): void {
  const current = model.cases.get(update.cgid) ?? { status: 'OPEN', assignedTo: null, history: 0 }
  model.cases.set(update.cgid, {
    status: update.status === undefined ? current.status : PHASE[update.status.trim().toUpperCase()]!,
    assignedTo: update.assignedTo === undefined ? current.assignedTo : USERS[update.assignedTo.trim().toLowerCase()]!,
    history: current.history + 1,
  })
}

/**
 * What the model's rules say of an update of valid fields: null (written), 400205 or 400204, as
 * SPEC §9 words them — a new case comes from OPEN with no assignee; progressive refuses OPEN → CLOSED
 * and is checked first; a change of status or of assignee without a comment is refused where its
 * rule is on.
 */
function ruleVerdict(model: Model, update: Update): number | null {
  const current = model.cases.get(update.cgid)
  const from = { status: current?.status ?? 'OPEN', assignedTo: current?.assignedTo ?? null }
  const to = {
    status: update.status === undefined ? from.status : PHASE[update.status.trim().toUpperCase()]!,
    assignedTo: update.assignedTo === undefined ? from.assignedTo : USERS[update.assignedTo.trim().toLowerCase()]!,
  }
  if (model.rules.progressive && from.status === 'OPEN' && to.status === 'CLOSED') return 400205
  if (update.comment !== undefined && update.comment !== '') return null
  if (model.rules.comment_on_status_change && from.status !== to.status) return 400204
  if (model.rules.comment_on_reassign && from.assignedTo !== to.assignedTo) return 400204
  return null
}

/**
 * Model and real agree on every case's status, assignee and history length as shown, and on the raw
 * rows the API hides: one sequence number and one history row per successful write (calls run one
 * at a time, so no number is spent), one idempotency key per successful keyed call. The other
 * tenant is only ever refused: its sequence stays at 0.
 */
async function agree(model: Model, real: Real): Promise<void> {
  for (const cgid of CGIDS) {
    const shown = await showCase(real.server.ctx, real.slug, cgid)
    const expected = model.cases.get(cgid)
    assert.deepEqual(
      { status: shown.status, assignedTo: shown.assigned_to, history: shown.history.length },
      expected ?? { status: null, assignedTo: null, history: 0 },
      `case ${cgid}`,
    )
  }
  const rows = await readTenantRows(real.server.ctx, real.slug)
  const writes = CGIDS.map((cgid) => model.cases.get(cgid)?.history ?? 0)
  assert.deepEqual(
    {
      changeSeq: rows.tenant.change_seq,
      historyRows: CGIDS.map((cgid) => rows.history.filter((entry) => entry.number_customergauge === cgid).length),
      keys: rows.idempotencyKeys.map((row) => row.key).sort(),
    },
    { changeSeq: writes.reduce((a, b) => a + b, 0), historyRows: writes, keys: [...model.keys.keys()].sort() },
    'raw rows',
  )
  assert.equal((await readTenantRows(real.server.ctx, 'other')).tenant.change_seq, 0, "the other tenant's sequence moved")
}

const update: fc.Arbitrary<Update> = fc.record(
  {
    cgid: fc.constantFrom(...CGIDS),
    status: fc.constantFrom('OPEN', 'closed', ' In-Progress ', 'CLOSE', 'progress'),
    assignedTo: fc.constantFrom('des@acme.test', 'ANN@acme.test'),
    comment: fc.string({ minLength: 1, maxLength: 12 }),
  },
  { requiredKeys: ['cgid'] },
)
const FAULTS: ReadonlyArray<[string, (u: Update) => Update, number]> = [
  ['bad status', (u) => ({ ...u, status: 'NOPE' }), 400011],
  ['unknown assignee', (u) => ({ ...u, assignedTo: 'nobody@acme.test' }), 400201],
  ['unknown record', (u) => ({ ...u, cgid: 99 }), 400200],
  ['long comment', (u) => ({ ...u, comment: 'x'.repeat(10_001) }), 400202],
]

class ValidUpdate implements fc.AsyncCommand<Model, Real> {
  constructor(readonly update: Update, readonly keyed: boolean) {}
  check = () => true
  async run(model: Model, real: Real) {
    const verdict = ruleVerdict(model, this.update)
    // A refused call keeps no key: the next keyed call may take the same one.
    const idempotencyKey = this.keyed ? `key-${verdict === null ? real.nextKey++ : real.nextKey}` : undefined
    assert.equal(await call(real, this.update, { idempotencyKey, format: this.keyed ? 'xml' : 'json' }), verdict, `rules ${JSON.stringify(model.rules)}`)
    if (verdict === null) {
      apply(model, this.update)
      if (idempotencyKey) model.keys.set(idempotencyKey, this.update)
    }
    await agree(model, real)
  }
  toString = () => `ValidUpdate(${JSON.stringify(this.update)}, keyed=${this.keyed})`
}

/** An admin key changes the rules (PUT /api/v1/settings/workflow); the very next call is held to them. */
class SetRules implements fc.AsyncCommand<Model, Real> {
  constructor(readonly rules: ModelRules) {}
  check = () => true
  async run(model: Model, real: Real) {
    const answer = await fetch(`${real.server.url}/api/v1/settings/workflow`, {
      method: 'PUT',
      headers: { authorization: `api_key ${real.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(this.rules),
    })
    assert.equal(answer.status, 200, await answer.clone().text())
    const shown = (await answer.json()) as ModelRules
    assert.deepEqual({ progressive: shown.progressive, comment_on_status_change: shown.comment_on_status_change, comment_on_reassign: shown.comment_on_reassign }, { ...this.rules })
    model.rules = this.rules
    await agree(model, real)
  }
  toString = () => `SetRules(${JSON.stringify(this.rules)})`
}

class InvalidUpdate implements fc.AsyncCommand<Model, Real> {
  constructor(readonly update: Update, readonly fault: number, readonly withKey: boolean) {}
  check = () => true
  async run(model: Model, real: Real) {
    const [name, spoil, code] = FAULTS[this.fault]!
    // An error keeps no key: the same key may be used again, with any body.
    const idempotencyKey = this.withKey ? `key-${real.nextKey}` : undefined
    assert.equal(await call(real, spoil(this.update), { idempotencyKey }), code, name)
    await agree(model, real)
  }
  toString = () => `InvalidUpdate(${JSON.stringify(this.update)}, ${FAULTS[this.fault]![0]}, key=${this.withKey})`
}

class Replay implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number, readonly format: 'json' | 'xml') {}
  check = (model: Readonly<Model>) => model.keys.size > 0
  async run(model: Model, real: Real) {
    const [key, original] = [...model.keys][this.pick % model.keys.size]!
    assert.equal(await call(real, original, { idempotencyKey: key, format: this.format }), null)
    await agree(model, real)
  }
  toString = () => `Replay(#${this.pick}, ${this.format})`
}

class SameKeyOtherBody implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.keys.size > 0
  async run(model: Model, real: Real) {
    const [key, original] = [...model.keys][this.pick % model.keys.size]!
    const changed = { ...original, comment: `${original.comment ?? ''}, changed` }
    assert.equal(await call(real, changed, { idempotencyKey: key }), 300009)
    await agree(model, real)
  }
  toString = () => `SameKeyOtherBody(#${this.pick})`
}

class OtherTenantOnOurRecord implements fc.AsyncCommand<Model, Real> {
  constructor(readonly update: Update, readonly reuseKey: number) {}
  check = () => true
  async run(model: Model, real: Real) {
    // Keys are per tenant: our idempotency key in the other tenant's hands replays nothing of ours.
    const ours = [...model.keys.keys()]
    const idempotencyKey = ours.length > 0 ? ours[this.reuseKey % ours.length] : undefined
    assert.equal(await call(real, this.update, { key: real.otherKey, idempotencyKey }), 400200)
    await agree(model, real)
  }
  toString = () => `OtherTenantOnOurRecord(${JSON.stringify(this.update)})`
}

class RevokeThenUse implements fc.AsyncCommand<Model, Real> {
  constructor(readonly update: Update) {}
  check = () => true
  async run(model: Model, real: Real) {
    await revokeApiKey(real.server.ctx, real.slug, real.keyId)
    assert.equal(await call(real, this.update), 200000)
    const fresh = await createApiKey(real.server.ctx, real.slug, 'rotated')
    real.key = fresh.key
    real.keyId = fresh.info.id
    await agree(model, real)
  }
  toString = () => `RevokeThenUse(${JSON.stringify(this.update)})`
}

const commands = fc.commands(
  [
    fc.tuple(update, fc.boolean()).map(([u, keyed]) => new ValidUpdate(u, keyed)),
    fc.tuple(update, fc.nat(FAULTS.length - 1), fc.boolean()).map(([u, fault, withKey]) => new InvalidUpdate(u, fault, withKey)),
    fc.tuple(fc.nat(), fc.constantFrom('json' as const, 'xml' as const)).map(([pick, format]) => new Replay(pick, format)),
    fc.nat().map((pick) => new SameKeyOtherBody(pick)),
    fc.tuple(update, fc.nat()).map(([u, pick]) => new OtherTenantOnOurRecord(u, pick)),
    update.map((u) => new RevokeThenUse(u)),
    fc.record({ progressive: fc.boolean(), comment_on_status_change: fc.boolean(), comment_on_reassign: fc.boolean() }).map((rules) => new SetRules(rules)),
  ],
  { maxCommands: MAX_COMMANDS, size: 'max' },
)

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] M1: ${RUNS} runs of ≤ ${MAX_COMMANDS} commands — the server agrees with the model on state, history and every code`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    // The other tenant has records too, but not ours: our CG-IDs are "not found" for it.
    const other = await createTestTenant(server.ctx, { slug: 'other', records: [3] })
    const codes = new Map<string, number>()
    let run = 0
    let commandsRun = 0
    const started = Date.now()
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const slug = `acme-${run++}`
        const acme = await createTestTenant(server.ctx, { slug, records: [...CGIDS], users: ['des@acme.test', 'Ann@acme.test'] })
        const adminKey = (await createApiKey(server.ctx, slug, 'admin', { admin: true })).key
        const real: Real = { server, slug, key: acme.key, keyId: acme.keyId, adminKey, otherKey: other.key, codes, nextKey: 0 }
        const setup = () => ({ model: { cases: new Map(), keys: new Map(), rules: NO_RULES } as Model, real })
        await fc.asyncModelRun(setup, cmds)
        commandsRun += [...cmds].length
      }),
      { numRuns: RUNS, seed: 1_0001, includeErrorInReport: true },
    )
    t.diagnostic(`M1 ${kind.name}: ${RUNS} runs, ${commandsRun} commands (≤ ${MAX_COMMANDS} a run), ${Date.now() - started} ms; answers ${describeTally(codes)}`)
  })
}
