// Connected apps for tests: made through the service, and token requests over real HTTP.

import assert from 'node:assert/strict'
import { createOAuthApp } from '../../src/service/oauth-apps.js'
import type { ServiceContext } from '../../src/service/context.js'

export interface TestApp {
  clientId: string
  clientSecret: string
}

export async function createTestApp(ctx: ServiceContext, tenantSlug: string, name = 'Help desk'): Promise<TestApp> {
  const { clientId, clientSecret } = await createOAuthApp(ctx, tenantSlug, name)
  return { clientId, clientSecret }
}

/** Every byte percent-encoded: what a client that form-encodes all it can sends (RFC 6749 §2.3.1 allows it). */
export function encodeEveryByte(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
}

/** `Basic base64(id:secret)`, the parts form-encoded as RFC 6749 §2.3.1 says (or every byte, with `encodeAll`). */
export function basicAuthorization(clientId: string, clientSecret: string, encodeAll = false): string {
  const encode = encodeAll ? encodeEveryByte : (part: string) => new URLSearchParams([['', part]]).toString().slice(1)
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`
}

/** POSTs to /oauth2/token: a form body and optional headers. */
export function postToken(baseUrl: string, body: string | undefined, headers: Record<string, string> = {}): Promise<Response> {
  const all: Record<string, string> = body === undefined ? headers : { 'content-type': 'application/x-www-form-urlencoded', ...headers }
  return fetch(`${baseUrl}/oauth2/token`, { method: 'POST', headers: all, body })
}

/** A token for the app, asked with its credentials in the body. */
export async function issueTestToken(baseUrl: string, app: TestApp): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }).toString()
  const response = await postToken(baseUrl, body)
  const text = await response.text()
  assert.equal(response.status, 200, text)
  return (JSON.parse(text) as { access_token: string }).access_token
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}
