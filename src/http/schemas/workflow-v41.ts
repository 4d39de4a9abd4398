// TypeBox schemas of the v4.1 call: they document the route's body and answers (and feed /openapi.json).

import { Type } from '@sinclair/typebox'
import { MAX_COMMENT_CODE_POINTS, MAX_FIELDS } from '../../domain/workflow-input.js'
import type { Format } from '../formats.js'
import { DOCUMENTED_BODY, DOCUMENTED_HEADERS } from './documented.js'
import {
  CgidInteger,
  ErrorDetailSchema,
  ErrorEnvelopeSchema,
  JSON_ANSWERS,
  KEYED_ERRORS,
  XML_TEXT_PATTERN,
  XML_ANSWERS,
  errorAnswers,
  limitedAnswer,
  ref,
} from './common.js'

/** The longest e-mail address (RFC 5321): a longer assignee is no user's. */
const MAX_EMAIL_LENGTH = 254
/** The longest status word or label (service/statuses.ts): a longer status names none. */
const MAX_STATUS_LENGTH = 100

export const WorkflowInputSchema = Type.Object(
  {
    number_customergauge: CgidInteger(
      'The CG-ID of a survey record of your tenant, in decimal digits (a JSON body may also send the digits as a string)',
    ),
    status: Type.Optional(
      Type.String({
        maxLength: MAX_STATUS_LENGTH,
        description: 'OPEN, IN-PROGRESS or PROGRESS, CLOSED or CLOSE (any letter case), or a code or label of the tenant\'s extended set',
      }),
    ),
    comment: Type.Optional(
      Type.String({
        maxLength: MAX_COMMENT_CODE_POINTS,
        pattern: XML_TEXT_PATTERN,
        description: 'At most 10,000 characters (code points) of text XML 1.0 can carry: no NUL or other C0 control but tab, CR and LF, no U+FFFE or U+FFFF',
      }),
    ),
    assigned_to: Type.Optional(Type.String({ maxLength: MAX_EMAIL_LENGTH, description: 'The e-mail address of an active user of your tenant' })),
    happened_at: Type.Optional(
      Type.Union(
        [
          Type.String({ format: 'date-time', maxLength: 35, pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:[0-5]\\d(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$' }),
          Type.String({ maxLength: 19, pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:[0-5]\\d$', description: 'UTC' }),
        ],
        {
          description:
            'When the change happened, to back-date it: ISO 8601 with Z or an offset (2026-11-27T10:00:00Z), or YYYY-MM-DD HH:MM:SS in UTC. ' +
            'Not more than 60 s ahead of the server\'s clock, nor before the case\'s latest entry; without it, the later of now and that entry\'s. ' +
            'The case\'s opened_at, followed_up_at and closed_at take it; updated_at stays when the change was recorded',
        },
      ),
    ),
  },
  {
    $id: 'WorkflowInput',
    additionalProperties: true,
    maxProperties: MAX_FIELDS,
    description: 'The v4.1 fields and happened_at (SPEC §9); other fields are ignored, at most 100 in all, none given twice',
  },
)

/** The success in XML: its root element is `<Data>`. The JSON envelope holds it under `Data`. */
export const WorkflowDataSchema = Type.Object(
  { number_customergauge: CgidInteger('The CG-ID of the updated case') },
  { $id: 'WorkflowData', xml: { name: 'Data' }, description: 'The XML answer is this element: <Data><number_customergauge>…</number_customergauge></Data>' },
)

export const WorkflowResultSchema = Type.Object(
  { Data: ref(WorkflowDataSchema) },
  { $id: 'WorkflowResult', description: 'The success envelope: {"Data":{"number_customergauge":…}}' },
)

/** The named schemas of the v4.1 surface (the error envelope included: v4.1 defined it). */
export const WORKFLOW_V41_SCHEMAS = [ErrorDetailSchema, ErrorEnvelopeSchema, WorkflowInputSchema, WorkflowDataSchema, WorkflowResultSchema]

/** The schema of a POST /v4.1/workflow[.json|.xml] route, by the path's extension. */
export function workflowV41Schema(path: '/workflow' | '/workflow.json' | '/workflow.xml') {
  const format: Format = path.endsWith('.xml') ? 'xml' : 'json'
  const answers = format === 'xml' ? XML_ANSWERS : JSON_ANSWERS
  return {
    operationId: OPERATION_IDS[path],
    summary: SUMMARIES[path],
    description:
      'Updates the case of a survey record, creating it on the first call; one history entry per successful call. ' +
      'Answers in the path\'s format, errors included. Send an Idempotency-Key to make a retry safe, and If-Match to change the case only if it has not changed since you read it.',
    tags: ['workflow v4.1'],
    [DOCUMENTED_BODY]: {
      description: 'The v4.1 fields, at most 64 KiB, in any of these encodings (the fields may also come in the query string)',
      content: {
        'application/x-www-form-urlencoded': { schema: ref(WorkflowInputSchema) },
        'multipart/form-data': { schema: ref(WorkflowInputSchema) },
        'application/json': { schema: ref(WorkflowInputSchema) },
      },
    },
    [DOCUMENTED_HEADERS]: Type.Object({
      'Idempotency-Key': Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 255,
          pattern: '^[\\x21-\\x7e]{1,255}$',
          description: 'Makes a retry safe: the same key with the same fields within 24 hours replays the first answer and changes nothing',
        }),
      ),
      'If-Match': Type.Optional(
        Type.String({
          maxLength: 18,
          pattern: '^"(0|[1-9][0-9]{0,15})"$',
          description:
            'The case\'s version the change is based on (its `version`, 0 while the record has no case), as a quoted entity tag: "3". ' +
            'If the case has changed since, nothing is written (409, 400206). Checked after Idempotency-Key: a replay answers as the first call did',
        }),
      ),
    }),
    response: {
      200: limitedAnswer('The change is committed', answers.mediaType, format === 'xml' ? ref(WorkflowDataSchema) : ref(WorkflowResultSchema)),
      ...errorAnswers(answers, true, {
        400:
          '300000: more than 100 fields; 300001: an invalid argument (number_customergauge not an integer in range, a field given twice, a bad or repeated Idempotency-Key or If-Match); ' +
          '300004: number_customergauge missing; 300005: a malformed body; 400011: an unknown status; 400200: no such record ("Workflow not found"); ' +
          '400201: assigned_to is no active user; 400202: comment too long; 400203: a character comment may not hold; ' +
          '400207: happened_at malformed, more than 60 s ahead, or before the case\'s latest entry',
        ...KEYED_ERRORS,
        409: '300010: a request with this Idempotency-Key is still being processed, retry; 400206: the case changed since the version If-Match gave, nothing was written (read it again)',
        413: '300006: the body is larger than 64 KiB',
        415: '300007: the Content-Type is not application/x-www-form-urlencoded, multipart/form-data or application/json',
        422: '300009: this Idempotency-Key was used with other fields',
      }),
    },
  }
}

const OPERATION_IDS = {
  '/workflow': 'updateWorkflowDefault',
  '/workflow.json': 'updateWorkflow',
  '/workflow.xml': 'updateWorkflowXml',
} as const

const SUMMARIES = {
  '/workflow': 'Update the case of a survey record, answering JSON (the path without extension)',
  '/workflow.json': 'Update the case of a survey record, answering JSON (CustomerGauge Workflow API v4.1)',
  '/workflow.xml': 'Update the case of a survey record, answering XML (CustomerGauge Workflow API v4.1)',
} as const
