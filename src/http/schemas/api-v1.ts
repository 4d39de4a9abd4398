// TypeBox schemas of the native API: they validate queries, serialise answers and feed /openapi.json.

import { Type, type TSchema } from '@sinclair/typebox'
import { MAX_PER_PAGE, MIN_PER_PAGE } from '../../service/case-feed.js'
import { ErrorEnvelope } from './workflow-v41.js'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 UTC with milliseconds' })
const Phase = Type.Union([Type.Literal('OPEN'), Type.Literal('PROGRESS'), Type.Literal('CLOSED')])

export const HistoryEntrySchema = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  at: Instant,
  actor: Type.String({ description: '"key:<key id>" or "import"' }),
  status_from: Nullable(Phase),
  status_to: Phase,
  status_label_from: Nullable(Type.String()),
  status_label_to: Type.String(),
  assigned_from: Nullable(Type.String()),
  assigned_to: Nullable(Type.String()),
  comment: Nullable(Type.String()),
})

export const CaseSchema = Type.Object(
  {
    number_customergauge: Type.Integer({ minimum: 1 }),
    status: Nullable(Phase),
    status_code: Nullable(Type.Integer({ minimum: 0, maximum: 99 })),
    status_label: Nullable(Type.String()),
    assigned_to: Nullable(Type.String()),
    opened_at: Nullable(Instant),
    followed_up_at: Nullable(Instant),
    closed_at: Nullable(Instant),
    updated_at: Nullable(Instant),
    time_to_follow_up_s: Nullable(Type.Number()),
    time_to_close_s: Nullable(Type.Number()),
    history: Type.Array(HistoryEntrySchema),
  },
  { description: 'A case (SPEC §4); a record without a case yet has status null and no history' },
)

export const CaseListSchema = Type.Object({
  data: Type.Array(CaseSchema),
  next_cursor: Type.String({ description: 'Opaque; resume the feed from here, now or later' }),
  end_of_stream: Type.Boolean({ description: 'True when this page reached the newest change' }),
})

export const CaseListQuery = Type.Object({
  status: Type.Optional(Type.String({ description: 'OPEN, PROGRESS or CLOSED' })),
  assigned_to: Type.Optional(Type.String({ maxLength: 254 })),
  updated_since: Type.Optional(Type.String({ description: 'ISO 8601 date-time', maxLength: 40 })),
  per_page: Type.Optional(Type.Integer({ minimum: MIN_PER_PAGE, maximum: MAX_PER_PAGE, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})

export const CgidParams = Type.Object({
  cgid: Type.String({ description: 'The CG-ID (number_customergauge)', maxLength: 20 }),
})

export const RecordSchema = Type.Object({
  number_customergauge: Type.Integer({ minimum: 1 }),
  nps: Nullable(Type.Integer({ minimum: 0, maximum: 10 })),
  comment: Nullable(Type.String()),
  account: Nullable(Type.String()),
  email: Nullable(Type.String()),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  date_creation: Nullable(Type.String()),
  extra: Type.Record(Type.String(), Type.Unknown(), { description: 'Every other field the record was imported with' }),
  created_at: Instant,
  updated_at: Instant,
})

/** One record of an import; fields other than these are kept as the record's `extra`. */
export const RecordInputSchema = Type.Object(
  {
    number_customergauge: Type.Integer({ minimum: 1 }),
    nps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    comment: Type.Optional(Type.String()),
    account: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    first_name: Type.Optional(Type.String()),
    last_name: Type.Optional(Type.String()),
    date_creation: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
)

export const ImportReportSchema = Type.Object({
  imported: Type.Integer({ description: 'Records that did not exist before' }),
  updated: Type.Integer({ description: 'Records that existed and were replaced' }),
  opened: Type.Integer({ description: 'Cases auto-opened for detractors' }),
})

const Percentiles = Type.Object({ median: Nullable(Type.Number()), p90: Nullable(Type.Number()) })

export const MetricsSummarySchema = Type.Object({
  counts: Type.Object({ OPEN: Type.Integer(), PROGRESS: Type.Integer(), CLOSED: Type.Integer() }),
  time_to_follow_up_s: Percentiles,
  time_to_close_s: Percentiles,
})

export const MetricsSummaryQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'Cases opened at or after (ISO 8601)', maxLength: 40 })),
  to: Type.Optional(Type.String({ description: 'Cases opened before (ISO 8601)', maxLength: 40 })),
})

/** The error answers every native route may give. */
export const API_ERRORS = { '4xx': ErrorEnvelope, '5xx': ErrorEnvelope }
