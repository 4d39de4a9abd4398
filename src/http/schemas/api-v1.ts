// TypeBox schemas of the native API: they validate parameters, serialise answers and feed /openapi.json.

import { Type } from '@sinclair/typebox'
import { PHASES, type Phase } from '../../domain/status.js'
import { MAX_COMMENT_CODE_POINTS } from '../../domain/workflow-input.js'
import { MAX_PER_PAGE, MIN_PER_PAGE } from '../../service/case-feed.js'
import { CgidInteger, CountInteger, DateOrDateTime, Instant, JSON_ANSWERS, KEYED_ERRORS, Nullable, errorAnswers, limitedAnswer, ref } from './common.js'

/** The longest e-mail address (RFC 5321), and so the longest assignee or actor's address. */
const MAX_EMAIL_LENGTH = 254
/** The longest status label a tenant may define (service/statuses.ts). */
const MAX_LABEL_LENGTH = 100
/**
 * The longest cursor the feed issues: its filters are written into it, an `assigned_to` of 254
 * characters included, escaped twice in the worst case (7 bytes a character), then base64url.
 */
const MAX_CURSOR_LENGTH = 4096

export const PhaseSchema = Type.Unsafe<Phase>({ type: 'string', enum: [...PHASES], $id: 'Phase', description: 'The phase of a status' })

const Email = (description: string) => Type.String({ maxLength: MAX_EMAIL_LENGTH, description })

export const HistoryEntrySchema = Type.Object(
  {
    seq: Type.Integer({ format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Counts from 1 per case' }),
    at: { ...Instant, description: 'When the change was recorded (ISO 8601 UTC with milliseconds)' },
    happened_at: { ...Instant, description: 'When the change happened: at, unless the write was back-dated (SPEC §9); the case\'s opened_at, followed_up_at and closed_at are these' },
    actor: Type.String({ maxLength: MAX_EMAIL_LENGTH + 5, description: '"key:<key id>", "app:<client_id>", "user:<email>" or "import"' }),
    status_from: Nullable(ref(PhaseSchema)),
    status_to: ref(PhaseSchema),
    status_label_from: Nullable(Type.String({ maxLength: MAX_LABEL_LENGTH })),
    status_label_to: Type.String({ maxLength: MAX_LABEL_LENGTH }),
    assigned_from: Nullable(Email('The assignee before the change')),
    assigned_to: Nullable(Email('The assignee after the change')),
    comment: Nullable(Type.String({ maxLength: MAX_COMMENT_CODE_POINTS })),
  },
  { $id: 'HistoryEntry', description: 'One change of a case, as it took effect' },
)

export const CaseSchema = Type.Object(
  {
    number_customergauge: CgidInteger(),
    status: Nullable(ref(PhaseSchema)),
    status_code: Nullable(Type.Integer({ format: 'int32', minimum: 0, maximum: 99, description: 'The extended status code, where the tenant uses them' })),
    status_label: Nullable(Type.String({ maxLength: MAX_LABEL_LENGTH, description: 'The extended label, else the phase' })),
    assigned_to: Nullable(Email('The assignee')),
    opened_at: Nullable(Instant),
    followed_up_at: Nullable(Instant),
    closed_at: Nullable(Instant),
    updated_at: Nullable(Instant),
    time_to_follow_up_s: Nullable(Type.Number({ description: 'Seconds from opened_at to followed_up_at' })),
    time_to_close_s: Nullable(Type.Number({ description: 'Seconds from opened_at to closed_at' })),
    version: CountInteger('The number of history entries (0 while the record has no case): send it as If-Match: "<version>" to change the case only if it has not changed since'),
    history: Type.Array(ref(HistoryEntrySchema), { description: 'Oldest first' }),
  },
  { $id: 'Case', description: 'A case (SPEC §4); a record without a case yet has status null and no history' },
)

export const CasePageSchema = Type.Object(
  {
    data: Type.Array(ref(CaseSchema), { maxItems: MAX_PER_PAGE }),
    next_cursor: Type.String({ maxLength: MAX_CURSOR_LENGTH, description: 'Opaque; resume the feed from here, now or later, with the same filters' }),
    end_of_stream: Type.Boolean({ description: 'True when this page reached the newest change' }),
  },
  { $id: 'CasePage', description: 'One page of the sync feed' },
)

export const CaseListQuery = Type.Object({
  status: Type.Optional(
    Type.Unsafe<Phase>({
      type: 'string',
      enum: [...PHASES],
      description: 'Only cases in this phase (the v4.1 words IN-PROGRESS and CLOSE, in any case, are taken too)',
    }),
  ),
  assigned_to: Type.Optional(Email('Only cases assigned to this e-mail address (case-insensitive)')),
  updated_since: Type.Optional(DateOrDateTime('Only cases updated at or after')),
  per_page: Type.Optional(
    Type.Integer({ format: 'int32', minimum: MIN_PER_PAGE, maximum: MAX_PER_PAGE, default: 100, description: 'Cases per page, in decimal digits' }),
  ),
  cursor: Type.Optional(Type.String({ maxLength: MAX_CURSOR_LENGTH, description: 'A next_cursor of an earlier page of the same filters' })),
})

export const CgidParams = Type.Object({
  cgid: CgidInteger('The CG-ID (number_customergauge), in decimal digits'),
})

const Percentiles = Type.Object({
  median: Nullable(Type.Number()),
  p90: Nullable(Type.Number()),
})

export const MetricsSummarySchema = Type.Object(
  {
    counts: Type.Object({ OPEN: CountInteger(), PROGRESS: CountInteger(), CLOSED: CountInteger() }),
    time_to_follow_up_s: Percentiles,
    time_to_close_s: Percentiles,
  },
  { $id: 'MetricsSummary', description: 'Over the cases opened in [from, to); null where there is no data' },
)

export const MetricsSummaryQuery = Type.Object({
  from: Type.Optional(DateOrDateTime('Cases opened at or after')),
  to: Type.Optional(DateOrDateTime('Cases opened before')),
})

/** The named schemas of the native API, in the order /openapi.json lists them. */
export const API_V1_SCHEMAS = [PhaseSchema, HistoryEntrySchema, CaseSchema, CasePageSchema, MetricsSummarySchema]

export const json = (description: string, schema: Parameters<typeof limitedAnswer>[2]) => limitedAnswer(description, 'application/json', schema)

export const INVALID_ARGUMENT = '300001: an invalid or unknown query parameter'

export const GET_CASE_SCHEMA = {
  operationId: 'getCase',
  summary: 'One case with its history',
  description: 'The case of your tenant\'s record with this CG-ID (status null and no history while it has none); another tenant\'s record answers exactly like a missing one (404).',
  tags: ['cases'],
  params: CgidParams,
  response: {
    200: json('The case with its history', ref(CaseSchema)),
    ...errorAnswers(JSON_ANSWERS, true, { 400: `${INVALID_ARGUMENT}, or a CG-ID out of range`, 404: '400200: your tenant has no such record', ...KEYED_ERRORS }),
  },
}

export const LIST_CASES_SCHEMA = {
  operationId: 'listCases',
  summary: 'The sync feed: cases in change order, paged by an opaque cursor',
  description:
    'Cases in the order they changed. Store next_cursor after each page and resume from it later, with the same filters: ' +
    'every change is seen at least once (a case changed again shows up again further on).',
  tags: ['cases'],
  querystring: CaseListQuery,
  response: {
    200: json('One page of the feed', ref(CasePageSchema)),
    ...errorAnswers(JSON_ANSWERS, true, { 400: `${INVALID_ARGUMENT}, or a cursor that is not ours or was issued for other filters`, ...KEYED_ERRORS }),
  },
}

export const METRICS_SUMMARY_SCHEMA = {
  operationId: 'getMetricsSummary',
  summary: 'Counts by phase and SLA timings of the cases opened in [from, to)',
  description: 'Counts of cases by phase, and the median and 90th percentile of the seconds to follow up and to close, over the cases opened in [from, to).',
  tags: ['metrics'],
  querystring: MetricsSummaryQuery,
  response: {
    200: json('Counts and timings', ref(MetricsSummarySchema)),
    ...errorAnswers(JSON_ANSWERS, true, { 400: `${INVALID_ARGUMENT}, or a bound that is not an ISO 8601 date or date-time`, ...KEYED_ERRORS }),
  },
}
