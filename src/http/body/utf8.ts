// Strict UTF-8 decoding: invalid byte sequences are a malformed body (300005), never U+FFFD.

import { FirehouseError } from '../../domain/errors.js'

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function decodeUtf8Strict(bytes: Uint8Array, what: string): string {
  try {
    return STRICT_UTF8.decode(bytes)
  } catch {
    throw new FirehouseError('MALFORMED_BODY', `Malformed request: ${what} is not valid UTF-8`)
  }
}
