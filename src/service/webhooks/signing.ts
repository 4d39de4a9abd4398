// Standard Webhooks signatures: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>"> under each live secret.

import { createHmac } from 'node:crypto'

const SECRET_PREFIX = 'whsec_'

/** The webhook-signature header: one `v1,…` per secret, space-separated (two while a rotation overlaps). */
export function signatureHeader(secrets: readonly string[], id: string, timestampS: number, body: string): string {
  return secrets.map((secret) => `v1,${sign(secret, id, timestampS, body)}`).join(' ')
}

function sign(secret: string, id: string, timestampS: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64')
  return createHmac('sha256', key).update(`${id}.${timestampS}.${body}`).digest('base64')
}
