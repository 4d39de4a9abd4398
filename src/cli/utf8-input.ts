// What a command reads (a file, standard input) as strict UTF-8: invalid bytes are refused, never made U+FFFD.

import { FirehouseError } from '../domain/errors.js'

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** `what` names the input in the one-line reason, e.g. "the input file". */
export function decodeUtf8Input(bytes: Uint8Array, what: string): string {
  try {
    return STRICT_UTF8.decode(bytes)
  } catch {
    throw new FirehouseError('MALFORMED_BODY', `${what} is not valid UTF-8`)
  }
}

/** Reads a stream (standard input) to its end, then decodes it as decodeUtf8Input does. */
export async function readUtf8Stream(stream: AsyncIterable<Uint8Array>, what: string): Promise<string> {
  const chunks: Uint8Array[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return decodeUtf8Input(Buffer.concat(chunks), what)
}
