// Reads multipart/form-data fields with busboy, keeping the strict rules: UTF-8 or 300005,
// at most 100 fields. File parts count as fields: their content is the field's value.

import busboy from 'busboy'
import { FirehouseError } from '../../domain/errors.js'
import { MAX_FIELDS, type RawField } from '../../domain/workflow-input.js'
import { decodeUtf8Strict } from './utf8.js'

export async function parseMultipartFields(body: Buffer, contentType: string): Promise<RawField[]> {
  const parser = createParser(contentType, body.length)
  return new Promise<RawField[]>((resolve, reject) => {
    const fields: RawField[] = []
    const fail = (error: FirehouseError): void => {
      parser.removeAllListeners()
      parser.on('error', () => undefined)
      reject(error)
    }
    // Field values arrive as latin1, one character a byte, so invalid UTF-8 can be detected below.
    const push = (name: string, bytes: Buffer): void => {
      try {
        fields.push({ name, value: decodeUtf8Strict(bytes, `field ${name}`) })
      } catch (error) {
        fail(error as FirehouseError)
      }
    }
    parser.on('field', (name, value) => push(name, Buffer.from(value, 'latin1')))
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => push(name, Buffer.concat(chunks)))
    })
    parser.on('fieldsLimit', () => fail(tooManyFields()))
    parser.on('filesLimit', () => fail(tooManyFields()))
    parser.on('partsLimit', () => fail(tooManyFields()))
    parser.on('error', (error) => fail(malformed(error)))
    parser.on('close', () => resolve(fields))
    parser.end(body)
  }).catch((error: unknown) => {
    throw error instanceof FirehouseError ? error : malformed(error)
  })
}

function createParser(contentType: string, size: number): busboy.Busboy {
  try {
    return busboy({
      headers: { 'content-type': contentType },
      defCharset: 'latin1',
      // busboy reports `partsLimit` when the count reaches the limit (the 100th part), the others
      // only when one more arrives: MAX_FIELDS + 1 makes all three mean "more than 100".
      limits: { fields: MAX_FIELDS, files: MAX_FIELDS, parts: MAX_FIELDS + 1, fieldSize: size, fileSize: size },
    })
  } catch (error) {
    throw malformed(error)
  }
}

function tooManyFields(): FirehouseError {
  return new FirehouseError('TOO_MANY_PARAMETERS', `Too many parameters (more than ${MAX_FIELDS})`)
}

function malformed(cause: unknown): FirehouseError {
  return new FirehouseError('MALFORMED_BODY', 'Malformed request: the multipart body cannot be parsed', { cause })
}
