// TypeBox schemas of the v4.1 call: they document the route (and feed /openapi.json).

import { Type } from '@sinclair/typebox'
import { MAX_COMMENT_CODE_POINTS } from '../../domain/workflow-input.js'
import { DOCUMENTED_BODY } from '../openapi.js'

export const WorkflowV41Body = Type.Object(
  {
    number_customergauge: Type.Union([Type.String({ pattern: '^\\s*[0-9]+\\s*$' }), Type.Integer({ minimum: 1 })]),
    status: Type.Optional(Type.String({ description: 'OPEN, IN-PROGRESS/PROGRESS, CLOSED/CLOSE, or an extended code or label' })),
    comment: Type.Optional(Type.String({ maxLength: MAX_COMMENT_CODE_POINTS })),
    assigned_to: Type.Optional(Type.String({ description: 'E-mail of an active user of the tenant' })),
  },
  { additionalProperties: true },
)

export const WorkflowV41Success = Type.Object({
  Data: Type.Object({ number_customergauge: Type.Integer() }),
})

export const ErrorEnvelope = Type.Object({
  Error: Type.Object({ Message: Type.String(), Code: Type.Integer() }),
})

/** Documentation only: the body is parsed by our strict parsers, which give the SPEC codes. */
export const WorkflowV41Schema = {
  summary: 'Update the case of a survey record (CustomerGauge Workflow API v4.1)',
  description: 'The answer is JSON for .json and extension-less paths, XML for .xml. Send Idempotency-Key to make a retry safe.',
  tags: ['workflow v4.1'],
  [DOCUMENTED_BODY]: {
    description: 'The v4.1 fields, at most 64 KiB, in any of these encodings',
    content: {
      'application/x-www-form-urlencoded': { schema: WorkflowV41Body },
      'multipart/form-data': { schema: WorkflowV41Body },
      'application/json': { schema: WorkflowV41Body },
    },
  },
  response: { 200: WorkflowV41Success, '4xx': ErrorEnvelope, '5xx': ErrorEnvelope },
}
