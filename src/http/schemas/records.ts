// TypeBox schemas of the native API's records: one record, and the bulk import's body and report.

import { Type } from '@sinclair/typebox'
import { MAX_RECORD_TEXT_CODE_POINTS } from '../../domain/survey-record.js'
import { DOCUMENTED_BODY } from './documented.js'
import { CgidParams, INVALID_ARGUMENT, json } from './api-v1.js'
import {
  CgidInteger,
  CountInteger,
  DateOrDateTime,
  Instant,
  JSON_ANSWERS,
  KEYED_ERRORS,
  Nullable,
  XML_TEXT_PATTERN,
  errorAnswers,
  ref,
} from './common.js'

/** The longest text field of a record (domain/survey-record.ts), in characters (code points), as JSON Schema counts. */
const RECORD_TEXT_LENGTH = MAX_RECORD_TEXT_CODE_POINTS
/** An import's body limit (routes/records.ts RECORDS_BODY_LIMIT): no file holds more characters. */
const MAX_IMPORT_LENGTH = 10 * 1024 * 1024

const Score = Type.Integer({ format: 'int32', minimum: 0, maximum: 10, description: 'The NPS score: 0–6 is a detractor' })
const StoredText = Type.String({ maxLength: RECORD_TEXT_LENGTH })

export const SurveyRecordSchema = Type.Object(
  {
    number_customergauge: CgidInteger(),
    nps: Nullable(Score),
    comment: Nullable(StoredText),
    account: Nullable(StoredText),
    email: Nullable(StoredText),
    first_name: Nullable(StoredText),
    last_name: Nullable(StoredText),
    date_creation: Nullable(Type.String({ maxLength: 40, description: 'ISO 8601, as imported' })),
    extra: Type.Record(Type.String(), Type.Unknown(), { description: 'Every other field the record was imported with' }),
    created_at: Instant,
    updated_at: Instant,
  },
  { $id: 'SurveyRecord', description: 'A survey record (SPEC §2)' },
)

const InputText = (name: string) =>
  Type.Optional(
    Nullable(
      Type.String({
        maxLength: RECORD_TEXT_LENGTH,
        pattern: XML_TEXT_PATTERN,
        description: `The ${name}: text XML 1.0 can carry (no NUL or other C0 control but tab, CR and LF), at most 10,000 characters (code points, as the v4.1 comment)`,
      }),
    ),
  )

/** One record of an import; other fields are kept as the record's `extra`. */
export const SurveyRecordInputSchema = Type.Object(
  {
    number_customergauge: CgidInteger('The CG-ID, in decimal digits: importing it again replaces the record'),
    nps: Type.Optional(Nullable(Score)),
    comment: InputText('customer\'s comment'),
    account: InputText('account'),
    email: InputText('customer\'s e-mail address'),
    first_name: InputText('first name'),
    last_name: InputText('last name'),
    date_creation: Type.Optional(Nullable(DateOrDateTime('When the survey was answered'))),
  },
  {
    $id: 'SurveyRecordInput',
    additionalProperties: true,
    description:
      'A record to import. Any other field is kept as the record\'s extra: at most 64 KiB as JSON, text XML 1.0 can carry. ' +
      'An empty or null field counts as absent.',
  },
)

export const ImportReportSchema = Type.Object(
  {
    imported: CountInteger('Records that did not exist before'),
    updated: CountInteger('Records that existed and were replaced'),
    opened: CountInteger('Cases auto-opened for detractors'),
  },
  { $id: 'ImportReport', description: 'What an import did' },
)

/** The named schemas of the records routes. */
export const RECORD_SCHEMAS = [SurveyRecordSchema, SurveyRecordInputSchema, ImportReportSchema]

export const GET_RECORD_SCHEMA = {
  operationId: 'getRecord',
  summary: 'One survey record',
  description: 'The record of your tenant with this CG-ID; another tenant\'s answers exactly like a missing one (404).',
  tags: ['records'],
  params: CgidParams,
  response: {
    200: json('The survey record', ref(SurveyRecordSchema)),
    ...errorAnswers(JSON_ANSWERS, true, { 400: `${INVALID_ARGUMENT}, or a CG-ID out of range`, 404: '400200: your tenant has no such record', ...KEYED_ERRORS }),
  },
}

export const IMPORT_RECORDS_SCHEMA = {
  operationId: 'importRecords',
  summary: 'Bulk import of survey records: a bad row imports nothing; detractors get an OPEN case',
  description:
    'Imports every record of the body, or none: a bad record refuses the whole body with 300001 naming its line ' +
    '(the physical line of CSV and NDJSON, the 1-based index in a JSON array). The format follows the Content-Type.',
  tags: ['records'],
  [DOCUMENTED_BODY]: {
    description: 'At most 10 MiB of UTF-8',
    content: {
      'application/json': { schema: Type.Array(ref(SurveyRecordInputSchema), { description: 'An array of records' }) },
      'application/x-ndjson': {
        schema: Type.String({ maxLength: MAX_IMPORT_LENGTH, description: 'One SurveyRecordInput object per line (also as application/ndjson or application/jsonl)' }),
      },
      'text/csv': {
        schema: Type.String({
          maxLength: MAX_IMPORT_LENGTH,
          description: 'A header row naming the fields (each once), then one record per row; the SurveyRecordInput rules apply to each cell',
        }),
      },
    },
  },
  response: {
    200: json('Every record was imported', ref(ImportReportSchema)),
    ...errorAnswers(JSON_ANSWERS, true, {
      400:
        '300001: a bad record, named by its line (nothing is imported), or an unknown query parameter; 300004: a record without number_customergauge; ' +
        '300005: a body that is not UTF-8 or not parsable',
      413: '300006: the body is larger than 10 MiB',
      415: '300007: the Content-Type is not application/json, application/x-ndjson or text/csv',
      ...KEYED_ERRORS,
    }),
  },
}
