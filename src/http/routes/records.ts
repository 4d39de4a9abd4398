// GET /api/v1/records/{cgid} and POST /api/v1/records (bulk import, the CLI's code path).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parseCgid } from '../../domain/workflow-input.js'
import type { ServiceContext } from '../../service/context.js'
import { importRecordFile } from '../../service/import-records.js'
import type { RecordFileFormat } from '../../service/record-files.js'
import { showRecord } from '../../service/record-view.js'
import { decodeUtf8Strict } from '../body/utf8.js'
import { refuseOtherMediaTypes } from '../common-checks.js'
import { GET_RECORD_SCHEMA, IMPORT_RECORDS_SCHEMA } from '../schemas/records.js'
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
      schema: GET_RECORD_SCHEMA,
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
      schema: IMPORT_RECORDS_SCHEMA,
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
