// SHA-256 in hex: how API keys, access tokens, app secrets, session ids and idempotent requests
// are stored and compared.

import * as crypto from 'node:crypto'

/**
 * SHA-256 of the text (UTF-8) in hex, in one call where Node has crypto.hash (20.12 and later):
 * every v4.1 call hashes its key, and a Hash object per call is garbage. Read from the module's
 * namespace, since a named import of it would stop Node 20.0–20.11, which package.json still
 * accepts, from loading this file.
 */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex')
