// TypeBox schemas of the operations routes (liveness, readiness, metrics): no API key, no rate limit.

import { Type } from '@sinclair/typebox'
import { JSON_ANSWERS, answer, errorAnswers } from './common.js'

const ERRORS = {
  500: '500000: internal error; the message gives the request id the server logged it under',
  503: '503000: the server is shutting down, or (readiness) the database does not answer or its migrations are not current',
}

/** An operations route: `security: []` says in /openapi.json that it needs no API key. */
function operation(operationId: string, summary: string, ok: ReturnType<typeof answer>) {
  return { operationId, summary, description: `${summary}. Needs no API key.`, tags: ['operations'], security: [], response: { 200: ok, ...errorAnswers(JSON_ANSWERS, false, ERRORS) } }
}

export const LIVENESS_SCHEMA = operation(
  'getLiveness',
  'Liveness: the process answers',
  answer('The process is alive', 'application/json', Type.Object({ status: Type.Literal('ok') })),
)

export const READINESS_SCHEMA = operation(
  'getReadiness',
  'Readiness: the database answers and its migrations are current',
  answer('Ready to serve', 'application/json', Type.Object({ status: Type.Literal('ready') })),
)

export const METRICS_SCHEMA = operation(
  'getPrometheusMetrics',
  'Prometheus metrics of this process',
  answer('The metrics in the Prometheus text format', 'text/plain', Type.String({ description: 'Prometheus exposition format 0.0.4' })),
)
