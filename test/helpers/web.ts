// Board helpers for tests: people with passwords (through the services), sign-in over real HTTP, forms.

import assert from 'node:assert/strict'
import type { ServiceContext } from '../../src/service/context.js'
import { addUser, setPassword } from '../../src/service/users.js'

export const TEST_PASSWORD = 'correct horse battery'

/** Adds a user with a password and a role to an existing tenant. */
export async function addPerson(ctx: ServiceContext, tenant: string, email: string, role: 'agent' | 'admin' = 'agent', name?: string) {
  await addUser(ctx, tenant, email, name, role)
  await setPassword(ctx, tenant, email, TEST_PASSWORD)
}

export interface SignedIn {
  /** The Cookie header value to send. */
  cookie: string
  /** The session's CSRF token, as every page's forms carry it. */
  csrf: string
}

/** Signs in through POST /login and reads the CSRF token off the board, as a browser would. */
export async function signIn(baseUrl: string, workspace: string, email: string, password = TEST_PASSWORD): Promise<SignedIn> {
  const answer = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ workspace, email, password }),
  })
  assert.equal(answer.status, 303, `sign-in of ${email}: ${await answer.text()}`)
  const setCookie = answer.headers.get('set-cookie') ?? ''
  const cookie = /fh_session=[^;]+/.exec(setCookie)?.[0]
  assert.ok(cookie, `a session cookie is set: ${setCookie}`)
  const board = await (await fetch(`${baseUrl}/board`, { headers: { cookie } })).text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(board)?.[1]
  assert.ok(csrf, 'the board carries a CSRF token')
  return { cookie, csrf }
}

/** A GET as the signed-in person. */
export function getPage(baseUrl: string, path: string, person: SignedIn, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { redirect: 'manual', headers: { cookie: person.cookie, ...headers } })
}

/** A form POST as the signed-in person; the CSRF token is added unless the fields carry their own. */
export function postForm(
  baseUrl: string,
  path: string,
  person: SignedIn | null,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = new URLSearchParams(person && !('_csrf' in fields) ? { _csrf: person.csrf, ...fields } : fields)
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(person ? { cookie: person.cookie } : {}), ...headers },
    body,
  })
}
