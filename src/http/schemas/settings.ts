// TypeBox schemas of /api/v1/settings/workflow (SPEC §9): they serialise answers and feed /openapi.json.

import { Type } from '@sinclair/typebox'
import { DOCUMENTED_BODY } from './documented.js'
import { MAX_NPS, MAX_RULE_FIELD_LENGTH } from '../../domain/workflow-rules.js'
import { json } from './api-v1.js'
import { JSON_ANSWERS, KEYED_ERRORS, Nullable, errorAnswers, ref } from './common.js'

const Nps = (description: string) => Nullable(Type.Integer({ format: 'int32', minimum: 0, maximum: MAX_NPS, description }))

const AUTO_OPEN_PROPERTIES = {
  nps_min: Nps('Lowest NPS that opens a case; null (with nps_max): no NPS rule'),
  nps_max: Nps('Highest NPS that opens a case; null (with nps_min): no NPS rule'),
  field: Nullable(
    Type.String({
      minLength: 1,
      maxLength: MAX_RULE_FIELD_LENGTH,
      description: 'A record field whose true value (JSON true, or the text true, 1 or yes in any case) opens a case; null: none',
    }),
  ),
}

export const WorkflowRulesSchema = Type.Object(
  {
    progressive: Type.Boolean({ description: 'OPEN → PROGRESS → CLOSED without skipping PROGRESS (400205 otherwise)' }),
    comment_on_status_change: Type.Boolean({ description: 'A status change needs a comment (400204 otherwise)' }),
    comment_on_reassign: Type.Boolean({ description: 'A change of assignee needs a comment (400204 otherwise)' }),
    auto_open: Type.Object(AUTO_OPEN_PROPERTIES, { description: 'Which imported records open a case: either part is enough' }),
  },
  { $id: 'WorkflowRules', description: "The tenant's workflow rules (SPEC §9); all off by default" },
)

/** The fields a PUT may hold, whole or in part; a body with any other is 300001. */
export const WorkflowRulesUpdateSchema = Type.Object(
  {
    progressive: Type.Optional(Type.Boolean()),
    comment_on_status_change: Type.Optional(Type.Boolean()),
    comment_on_reassign: Type.Optional(Type.Boolean()),
    auto_open: Type.Optional(
      Type.Object(
        {
          nps_min: Type.Optional(AUTO_OPEN_PROPERTIES.nps_min),
          nps_max: Type.Optional(AUTO_OPEN_PROPERTIES.nps_max),
          field: Type.Optional(AUTO_OPEN_PROPERTIES.field),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Any part of the rules; a part left out keeps its value' },
)

export const SETTINGS_SCHEMAS = [WorkflowRulesSchema]

const TAGS = ['settings']
const INVALID = '300001: an unknown query parameter'

export const GET_WORKFLOW_RULES = {
  operationId: 'getWorkflowRules',
  summary: "The tenant's workflow rules",
  description: "The tenant's workflow rules (SPEC §9). Needs an API key of the tenant.",
  tags: TAGS,
  response: {
    200: json('The rules', ref(WorkflowRulesSchema)),
    ...errorAnswers(JSON_ANSWERS, true, { 400: INVALID, ...KEYED_ERRORS }),
  },
}

export const SET_WORKFLOW_RULES = {
  operationId: 'setWorkflowRules',
  summary: 'Changes the workflow rules (admin keys only)',
  description:
    'Changes the parts of the rules the body gives and answers them all. Needs an admin key of the tenant ' +
    '(`firehouse key create <tenant> --admin`); any other key is refused with 403, code 200001.',
  tags: TAGS,
  // Read as sent by the route (Fastify's validator would coerce null into 0 and "true" into true).
  [DOCUMENTED_BODY]: { description: 'Any part of the rules, as JSON', content: { 'application/json': { schema: WorkflowRulesUpdateSchema } } },
  response: {
    200: json('The rules as they now are', ref(WorkflowRulesSchema)),
    ...errorAnswers(JSON_ANSWERS, true, {
      400: `${INVALID}, an unknown or mistyped field, an NPS range that is not two integers 0–10 with min ≤ max (or both null); 300005: a body that is not JSON`,
      403: '200001: the key is not an admin key',
      413: '300006: the body is larger than 64 KiB',
      415: '300007: the Content-Type is not application/json',
      ...KEYED_ERRORS,
    }),
  },
}
