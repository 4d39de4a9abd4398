// Breaks of the connected-apps guarantees (SPEC §10: OAuth2 client credentials, bearer tokens).

import type { Mutation } from './catalogue.js'

const TOKEN_TEST = 'test/http/oauth-token.test.ts'
const BEARER_TEST = 'test/http/oauth-bearer.test.ts'
const CLIENT_TEST = 'test/client/client-oauth.test.ts'
const CLI_TEST = 'test/cli/cli-apps.test.ts'

export const OAUTH_MUTATIONS: Mutation[] = [
  {
    id: 'oauth-revoked-app-token-accepted',
    guarantee: "a revoked app's live token is 200000 on the next call, on every node",
    file: 'src/store/oauth.ts',
    find: "    .where('oauth_tokens.token_hash', '=', token.tokenHash)\n    .where('oauth_apps.revoked_at', 'is', null),",
    replace: "    .where('oauth_tokens.token_hash', '=', token.tokenHash),",
    tests: [BEARER_TEST, 'test/http/oauth-nodes.test.ts'],
    testNamePattern: 'revoked',
  },
  {
    id: 'oauth-expiry-unchecked',
    guarantee: 'a token is refused (200000) from 3600 s after it was issued, by the server clock',
    file: 'src/service/oauth-tokens.ts',
    find: "  if (grant.expiresAt <= isoNow(ctx)) throw new FirehouseError('INVALID_API_KEY', 'Expired access token: request a new one')\n",
    replace: '',
    tests: [BEARER_TEST],
    testNamePattern: '3600 s',
  },
  {
    id: 'oauth-grant-type-before-credentials',
    guarantee: 'the client credentials are checked before the grant type: bad credentials with another grant type is invalid_client',
    file: 'src/service/oauth-tokens.ts',
    find: '  const found = await findOAuthApp(ctx.store.db, request.clientId)\n',
    replace:
      "  if (request.grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type', 'Unsupported grant_type')\n  const found = await findOAuthApp(ctx.store.db, request.clientId)\n",
    tests: [TOKEN_TEST],
    testNamePattern: 'RFC 6749 status',
  },
  {
    id: 'oauth-no-store-removed',
    guarantee: 'token answers and refusals carry Cache-Control: no-store and Pragma: no-cache',
    file: 'src/http/routes/oauth-token.ts',
    find: "  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache')",
    replace: '  return reply',
    tests: [TOKEN_TEST],
    testNamePattern: 'never cached',
  },
  {
    id: 'oauth-actor-as-key',
    guarantee: "a change made with a token is recorded as app:<client_id>, not as a key's",
    file: 'src/service/oauth-tokens.ts',
    find: 'const actor = `app:${grant.appId}`',
    replace: 'const actor = `key:${grant.appId}`',
    tests: [BEARER_TEST, CLIENT_TEST],
    testNamePattern: 'app:<client_id>|changes are the app',
  },
  {
    id: 'oauth-basic-not-form-decoded',
    guarantee: "HTTP Basic's id and secret are form-decoded after base64 (RFC 6749 §2.3.1)",
    file: 'src/http/oauth-request.ts',
    find:
      "  const clientId = fromForm(() => decodeComponent(Buffer.from(decoded.slice(0, colon), 'utf8'), 'client id'))\n" +
      "  const clientSecret = fromForm(() => decodeComponent(Buffer.from(decoded.slice(colon + 1), 'utf8'), 'client secret'))\n",
    replace: '  const clientId = decoded.slice(0, colon)\n  const clientSecret = decoded.slice(colon + 1)\n',
    tests: [TOKEN_TEST],
    testNamePattern: 'RFC 6749 status',
  },
  {
    id: 'oauth-revoke-tenant-filter-removed',
    guarantee: "a tenant revokes its own apps only: another tenant's client id is refused and stays active",
    file: 'src/store/oauth.ts',
    find: "    .where('tenant_id', '=', tenantId)\n    .where('id', '=', clientId)",
    replace: "    .where('id', '=', clientId)",
    tests: [CLI_TEST],
    testNamePattern: 'another tenant',
  },
  {
    id: 'oauth-list-tenant-filter-removed',
    guarantee: "app list shows the tenant's own apps only",
    file: 'src/store/oauth.ts',
    find: "selectAll().where('tenant_id', '=', tenantId).orderBy('created_at')",
    replace: "selectAll().orderBy('created_at')",
    tests: [CLI_TEST],
    testNamePattern: 'another tenant',
  },
  {
    id: 'oauth-token-admin',
    guarantee: 'a token is never admin: PUT /api/v1/settings/workflow is 403 200001',
    file: 'src/service/oauth-tokens.ts',
    find: 'rateLimit: grant.tenant.rate_limit, admin: false }',
    replace: 'rateLimit: grant.tenant.rate_limit, admin: true }',
    tests: [BEARER_TEST],
    testNamePattern: 'never admin',
  },
  {
    id: 'oauth-bucket-per-token',
    guarantee: "an app's tokens share one rate-limit bucket",
    file: 'src/service/oauth-tokens.ts',
    find: 'return { tenantId: grant.tenant.id, actor, bucketId: actor,',
    replace: 'return { tenantId: grant.tenant.id, actor, bucketId: token,',
    tests: [BEARER_TEST],
    testNamePattern: 'rate-limit bucket',
  },
  {
    id: 'oauth-token-endpoint-unthrottled',
    guarantee: 'token requests are limited per client id, wrong secrets counted',
    file: 'src/service/oauth-tokens.ts',
    find: '  if (found) await throttle(found.app.id, found.tenant)\n',
    replace: '',
    tests: [TOKEN_TEST],
    testNamePattern: 'limited per client id',
  },
  {
    id: 'oauth-client-no-renewal-on-refusal',
    guarantee: 'the client renews its token once when the server refuses it (200000)',
    file: 'src/client/workflow-client.ts',
    find: '    if (!refusesCredentials(answer)) return answer\n',
    replace: '    if (!refusesCredentials(answer) || attempt > 0) return answer\n',
    tests: [CLIENT_TEST],
    testNamePattern: 'renews',
  },
  {
    id: 'oauth-client-no-renewal-before-expiry',
    guarantee: 'the client renews its token shortly before it expires by its own clock',
    file: 'src/client/access-token.ts',
    find: 'if (current && this.#init.now() < current.expiresAt - REFRESH_MARGIN_MS) return Promise.resolve(current.token)',
    replace: 'if (current && REFRESH_MARGIN_MS > 0) return Promise.resolve(current.token)',
    tests: [CLIENT_TEST],
    testNamePattern: 'renews',
  },
  {
    id: 'oauth-token-region-unchecked',
    guarantee: "a token is valid only on servers of its tenant's region (200000 elsewhere)",
    file: 'src/service/oauth-tokens.ts',
    find: "  if (grant.tenant.region !== region) throw new FirehouseError('INVALID_API_KEY', 'Access token is not valid in this region')\n",
    replace: '',
    tests: [BEARER_TEST],
    testNamePattern: 'region',
  },
  {
    id: 'oauth-expired-tokens-kept',
    guarantee: 'issuing a token deletes the expired ones',
    file: 'src/service/oauth-tokens.ts',
    find: '  await pruneOAuthTokens(ctx.store.db, now.toISOString())\n',
    replace: '',
    tests: [TOKEN_TEST],
    testNamePattern: 'deletes the tokens that expired',
  },
]
