// GET /api/v1/records/{cgid} and POST /api/v1/records (bulk import, the CLI's code path).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { parseCgid } from '../../domain/workflow-input.js'
import type { ServiceContext } from '../../service/context.js'
import { importRecordFile } from '../../service/import-records.js'
import type { RecordFileFormat } from '../../service/record-files.js'
import { showRecord } from '../../service/record-view.js'
import { decodeUtf8Strict } from '../body/utf8.js'
import { refuseOtherMediaTypes } from '../common-checks.js'
import { DOCUMENTED_BODY } from '../openapi.js'
import { API_ERRORS, CgidParams, ImportReportSchema, RecordInputSchema, RecordSchema } from '../schemas/api-v1.js'
import { rejectUnknownQuery, tenantOf } from './api-v1-request.js'

export const RECORDS_BODY_LIMIT = 10 * 1024 * 1024

/** The media types an import accepts, and the file format each one means. */
export const IMPORT_MEDIA_TYPES: Record<string, RecordFileFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'text/csv': 'csv',
}

export const recordRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(Object.keys(IMPORT_MEDIA_TYPES), { parseAs: 'buffer', bodyLimit: RECORDS_BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  )
  refuseOtherMediaTypes(app, RECORDS_BODY_LIMIT)
  app.get(
    '/records/:cgid',
    {
      preValidation: rejectUnknownQuery([]),
      schema: { summary: 'One survey record', tags: ['records'], params: CgidParams, response: { 200: RecordSchema, ...API_ERRORS } },
    },
    async (request) => {
      const { cgid } = request.params
      return showRecord(ctx, { id: tenantOf(request) }, parseCgid(cgid))
    },
  )
  app.post(
    '/records',
    {
      preValidation: rejectUnknownQuery([]),
      schema: {
        summary: 'Bulk import of survey records, all or nothing; detractors get an OPEN case',
        tags: ['records'],
        [DOCUMENTED_BODY]: {
          description: 'At most 10 MiB of UTF-8; a bad row rejects the whole import, naming its line',
          content: {
            'application/json': { schema: Type.Array(RecordInputSchema) },
            'application/x-ndjson': { schema: Type.String({ description: 'One record object per line' }) },
            'text/csv': { schema: Type.String({ description: 'A header row naming the fields, then one record per row' }) },
          },
        },
        response: { 200: ImportReportSchema, ...API_ERRORS },
      },
    },
    async (request) => {
      const format = IMPORT_MEDIA_TYPES[mediaTypeOf(request.headers['content-type'])]!
      const text = decodeUtf8Strict(request.body as Buffer, 'the body')
      return importRecordFile(ctx, { id: tenantOf(request) }, text, format)
    },
  )
}

function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase()
}
