// The PostgreSQL baseline: node:http + a pg pool; each call is one statement, one round trip.
// Usage: node --import tsx bench/baseline/pg-server.ts --db postgres://… [--port 0] [--pool 10] [--region eu]

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import pg from 'pg'
import { flag, parseWorkflowForm, presentedKeyHash, readBody, Refusal, sendData, sendError, STATUS_WORDS, stopOnSignal } from './http-kit.js'
import { DIAGNOSE, UPDATE_WORKFLOW } from './pg-sql.js'

const REGION = flag('region', 'eu')
const pool = new pg.Pool({ connectionString: flag('db'), max: Number(flag('pool', '10')) })
pool.on('error', (error) => console.error(`idle connection failed: ${error.message}`))

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    if (request.method !== 'POST' || !/^\/v4\.1\/workflow(\.json)?$/.test(request.url ?? '')) {
      throw new Refusal(404, 300000, 'Module does not exist')
    }
    const hash = presentedKeyHash(request.headers.authorization)
    const call = parseWorkflowForm(await readBody(request))
    const phase = call.status === undefined ? null : STATUS_WORDS[call.status.toUpperCase()]
    if (phase === undefined) throw new Refusal(400, 400011, `Invalid status: ${call.status!.slice(0, 100)}`)
    const params = [hash, REGION, call.cgid, phase, call.assignedTo?.toLowerCase() ?? null, call.comment ?? null, new Date().toISOString()]
    const { rowCount } = await pool.query({ name: 'update_workflow', text: UPDATE_WORKFLOW, values: params })
    if (rowCount !== 1) throw await whyNothingChanged(params)
    sendData(response, call.cgid)
  } catch (error) {
    sendError(response, error)
  }
}

async function whyNothingChanged(params: unknown[]): Promise<Refusal> {
  const { rows } = await pool.query<{ key_ok: boolean | null; extended_statuses: number | null; record_ok: boolean }>(DIAGNOSE, params.slice(0, 3))
  const row = rows[0]
  if (!row?.key_ok) return new Refusal(401, 200000, 'Invalid API key')
  if (row.extended_statuses === 1) return new Refusal(501, 500000, 'The baseline does not support extended statuses')
  if (!row.record_ok) return new Refusal(400, 400200, 'Workflow not found')
  return new Refusal(400, 400201, 'assigned_to is not an active user of this account')
}

const server = createServer((request, response) => void handle(request, response))
server.listen(Number(flag('port', '0')), '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  console.log(`Baseline (PostgreSQL, one statement) listening on http://127.0.0.1:${address.port}`)
})
stopOnSignal(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await pool.end()
})
