// TypeBox schemas of CustomerGauge's v7 Close the Loop calls (SPEC §10): they serialise answers and feed /openapi.json.

import { Type } from '@sinclair/typebox'
import { CLOSE_LOOP_FIELDS } from '../../domain/close-loop-input.js'
import { MAX_COMMENT_CODE_POINTS } from '../../domain/workflow-input.js'
import {
  DEFAULT_CLOSE_LOOP_PER_PAGE,
  MAX_CLOSE_LOOP_CURSOR,
  MAX_CLOSE_LOOP_PER_PAGE,
  MIN_CLOSE_LOOP_PER_PAGE,
} from '../../service/close-loop.js'
import { json } from './api-v1.js'
import { DOCUMENTED_BODY, DOCUMENTED_HEADERS } from './documented.js'
import { CgidInteger, JSON_ANSWERS, KEYED_ERRORS, Nullable, XML_TEXT_PATTERN, errorAnswers, ref } from './common.js'

const MAX_EMAIL_LENGTH = 254
const STATUSES = ['open', 'progress', 'closed']

const Hours = (description: string) =>
  Nullable(Type.Integer({ format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description }))

const Cursor = (description: string) => Type.Integer({ format: 'int64', minimum: 0, maximum: MAX_CLOSE_LOOP_CURSOR, description })

export const CloseLoopItemSchema = Type.Object(
  {
    number_customergauge: CgidInteger(),
    status: Type.String({ enum: STATUSES, description: 'The phase in lower case; an extended status shows as its phase' }),
    note: Nullable(Type.String({ maxLength: MAX_COMMENT_CODE_POINTS, description: "The comment of the case's latest history entry that has one" })),
    assigned_to: Nullable(Type.String({ maxLength: MAX_EMAIL_LENGTH, description: 'The assignee' })),
    updated_at: Type.String({
      maxLength: 19,
      pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$',
      description: 'When the latest change was recorded: YYYY-MM-DD HH:MM:SS, UTC',
    }),
    time_to_follow_up: Hours('Whole hours from opened to followed up, rounded down; null until followed up'),
    time_to_close: Hours('Whole hours from opened to closed, rounded down; null until closed'),
  },
  { $id: 'CloseLoopItem', description: 'A case as v7 Close the Loop shows it' },
)

export const CloseLoopPageSchema = Type.Object(
  {
    data: Type.Array(ref(CloseLoopItemSchema), { maxItems: MAX_CLOSE_LOOP_PER_PAGE, description: 'In change order; empty when caught up' }),
    cursor: Cursor("The change sequence of the page's last case, or the cursor given when the page is empty: send it as cursor next time"),
  },
  { $id: 'CloseLoopPage', description: 'One page of the Close the Loop feed' },
)

export const CloseLoopResultSchema = Type.Object(
  { data: ref(CloseLoopItemSchema) },
  { $id: 'CloseLoopResult', description: 'The case after the change' },
)

export const CloseLoopStatusInputSchema = Type.Object(
  {
    number_customergauge: CgidInteger('The CG-ID of a survey record of your tenant (a JSON integer, or its digits as a string)'),
    status: Type.String({
      enum: STATUSES,
      description: "The phase, in lower case; the case takes the tenant's base status of that phase (its lowest extended code, else the phase)",
    }),
    note: Type.Optional(
      Nullable(
        Type.String({
          maxLength: MAX_COMMENT_CODE_POINTS,
          pattern: XML_TEXT_PATTERN,
          description: "The change's comment: at most 10,000 characters (code points) of text XML 1.0 can carry; null or empty: none",
        }),
      ),
    ),
    happened_at: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 19,
          pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:[0-5]\\d$',
          description:
            "When the change happened, in UTC (ISO 8601 with Z or an offset is taken too): not more than 60 s ahead of the server's clock, nor before the case's latest entry",
        }),
      ),
    ),
  },
  { $id: 'CloseLoopStatusInput', additionalProperties: false, description: `The change; any other field than ${CLOSE_LOOP_FIELDS.join(', ')} is refused (300001)` },
)

/** The named schemas of v7, in the order /openapi.json lists them. */
export const V7_SCHEMAS = [CloseLoopItemSchema, CloseLoopPageSchema, CloseLoopResultSchema, CloseLoopStatusInputSchema]

const TAGS = ['close loop v7']

export const PUT_CLOSE_LOOP_STATUS_SCHEMA = {
  operationId: 'putCloseLoopStatus',
  summary: 'Sets the status of a case (CustomerGauge v7 Close the Loop)',
  description:
    'Changes the case of a survey record (creating it on the first call) through the same write as v4.1: the same workflow rules, ' +
    'Idempotency-Key and If-Match. Answers the case as it is after the change.',
  tags: TAGS,
  [DOCUMENTED_BODY]: { description: 'The change, as JSON, at most 64 KiB', content: { 'application/json': { schema: ref(CloseLoopStatusInputSchema) } } },
  [DOCUMENTED_HEADERS]: Type.Object({
    'Idempotency-Key': Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        pattern: '^[\\x21-\\x7e]{1,255}$',
        description: 'Makes a retry safe: the same key with the same change within 24 hours changes nothing again (the answer shows the case as it now is)',
      }),
    ),
    'If-Match': Type.Optional(
      Type.String({
        maxLength: 18,
        pattern: '^"(0|[1-9][0-9]{0,15})"$',
        description: 'The case\'s version the change is based on, quoted ("3"); if the case has changed since, nothing is written (409, 400206)',
      }),
    ),
  }),
  response: {
    200: json('The change is committed', ref(CloseLoopResultSchema)),
    ...errorAnswers(JSON_ANSWERS, true, {
      400:
        '300000: more than 100 fields; 300001: an unknown field or query parameter, a field given twice or of the wrong type, number_customergauge not an integer in range, ' +
        'a bad or repeated Idempotency-Key or If-Match; 300004: number_customergauge or status missing; 300005: a body that is not a JSON object; ' +
        '400011: a status other than open, progress or closed; 400202: note too long; 400203: a character note may not hold; ' +
        '400204: a workflow rule requires a note for this change; 400205: a workflow rule does not allow this status change; ' +
        "400207: happened_at malformed, more than 60 s ahead, or before the case's latest entry",
      404: '400200: your tenant has no such record',
      409: '300010: a request with this Idempotency-Key is still being processed, retry; 400206: the case changed since the version If-Match gave',
      413: '300006: the body is larger than 64 KiB',
      415: '300007: the Content-Type is not application/json',
      422: '300009: this Idempotency-Key was used with another change',
      ...KEYED_ERRORS,
    }),
  },
}

export const SyncCloseLoopQuery = Type.Object({
  per_page: Type.Optional(
    Type.Integer({
      format: 'int32',
      minimum: MIN_CLOSE_LOOP_PER_PAGE,
      maximum: MAX_CLOSE_LOOP_PER_PAGE,
      default: DEFAULT_CLOSE_LOOP_PER_PAGE,
      description: 'Cases per page, in decimal digits',
    }),
  ),
  cursor: Type.Optional(Cursor('The cursor of an earlier page, in decimal digits; absent: from the start')),
  'updated_at[start]': Type.Optional(
    Type.String({ format: 'date', maxLength: 10, description: "Only cases whose latest change was recorded on this day (UTC) or later: YYYY-MM-DD" }),
  ),
  'updated_at[end]': Type.Optional(
    Type.String({ format: 'date', maxLength: 10, description: 'Only cases whose latest change was recorded on this day (UTC, the whole day) or earlier: YYYY-MM-DD' }),
  ),
})

export const SYNC_CLOSE_LOOP_SCHEMA = {
  operationId: 'syncCloseLoop',
  summary: 'The Close the Loop feed: cases in change order, paged by an integer cursor (CustomerGauge v7)',
  description:
    'Cases in the order they changed, after the cursor. Store the answer\'s cursor and call again with it; stop when data is empty. ' +
    'Every change is seen at least once (a case changed again shows up again further on).',
  tags: TAGS,
  querystring: SyncCloseLoopQuery,
  response: {
    200: json('One page of the feed', ref(CloseLoopPageSchema)),
    ...errorAnswers(JSON_ANSWERS, true, {
      400: '300001: an unknown or repeated query parameter, per_page or cursor not an integer in range, a date that is not YYYY-MM-DD or does not exist, updated_at[start] after updated_at[end]',
      ...KEYED_ERRORS,
    }),
  },
}
