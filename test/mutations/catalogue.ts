// Every guarantee a test claims, as a break of the code that the named tests must notice (npm run test:mutations).

export interface Mutation {
  /** Short, stable name, used to run one mutation alone. */
  id: string
  /** The guarantee this removes, in words. */
  guarantee: string
  /** Project-relative file to change. */
  file: string
  /** Text that must occur exactly once in the file (else the mutation is stale and reported so). */
  find: string
  replace: string
  /** Test files that claim the guarantee: at least one of their tests must fail. */
  tests: string[]
  /** Narrows the run to the tests named for the guarantee (node --test-name-pattern). */
  testNamePattern?: string
}

export const MUTATIONS: Mutation[] = [
  {
    id: 'version-check-outside-transaction',
    guarantee: 'the version a write was based on is checked inside the write (400206)',
    file: 'src/service/update-workflow.ts',
    find: '  checkVersion(writer, current)\n  const decide = await validateChange(ctx, trx, writer, input, ticket.extendedStatuses)',
    replace: '  const decide = await validateChange(ctx, trx, writer, input, ticket.extendedStatuses)',
    tests: ['test/service/case-version.test.ts'],
  },
  {
    id: 'board-origin-check',
    guarantee: 'a board POST from another origin is refused with 403',
    file: 'src/web/surface.ts',
    find: 'if (!comesFromOwnOrigin(request)) return done(',
    replace: 'if (false) return done(',
    tests: ['test/web/security.test.ts'],
    testNamePattern: 'state-changing POST',
  },
  {
    id: 'board-csrf-token',
    guarantee: 'a board POST without the session CSRF token is refused with 403',
    file: 'src/web/surface.ts',
    find: '&& !carriesCsrfToken(request, person.session.csrf_token)',
    replace: '&& false',
    tests: ['test/web/security.test.ts'],
    testNamePattern: 'state-changing POST',
  },
  {
    id: 'session-active-flag',
    guarantee: "a session is refused once its user is inactive, whatever deactivated them",
    file: 'src/store/sessions.ts',
    find: "    .where('users.active', '=', 1)\n",
    replace: '',
    tests: ['test/web/security.test.ts'],
    testNamePattern: 'deactivating',
  },
  {
    id: 'sign-in-throttle',
    guarantee: 'the 6th failed sign-in within 15 minutes is 429',
    file: 'src/service/sessions.ts',
    find: 'export const MAX_FAILED_ATTEMPTS = 5',
    replace: 'export const MAX_FAILED_ATTEMPTS = 6',
    tests: ['test/web/sign-in.test.ts'],
    testNamePattern: '6th failed',
  },
  {
    id: 'sign-in-same-answer',
    guarantee: 'every wrong sign-in combination gets the same body',
    file: 'src/web/routes/login.ts',
    find: "const blank = { workspace: (await soleTenantSlug(ctx, region)) ?? '', email: '', next }",
    replace: 'const blank = { workspace: credentials.workspace, email: credentials.email, next }',
    tests: ['test/web/sign-in.test.ts'],
    testNamePattern: 'same 401 body',
  },
  {
    id: 'sign-out-deletes-session',
    guarantee: 'signing out ends the session on the server, not only in the browser',
    file: 'src/web/routes/login.ts',
    find: 'await signOut(ctx, sessionId)',
    replace: 'void sessionId',
    tests: ['test/web/sign-in.test.ts'],
    testNamePattern: 'sign-out ends',
  },
  {
    id: 'settings-admin-only',
    guarantee: 'an agent gets 403 on /settings and changes nothing',
    file: 'src/web/routes/settings.ts',
    find: '    requireAdmin(personOf(request).user.role)\n',
    replace: '',
    tests: ['test/web/settings.test.ts'],
    testNamePattern: 'agent gets 403',
  },
  {
    id: 'board-tenant-isolation',
    guarantee: "the board shows only the person's tenant's cases",
    file: 'src/store/board.ts',
    find: "let query = db.selectFrom('cases as c').where('c.tenant_id', '=', tenantId).where('c.status', '=', phase)",
    replace: "let query = db.selectFrom('cases as c').where('c.status', '=', phase)",
    tests: ['test/web/security.test.ts'],
    testNamePattern: 'tenant A sees nothing',
  },
  {
    id: 'board-counts-all-matches',
    guarantee: "a column's count is every matching case, not only those shown",
    file: 'src/service/board.ts',
    find: 'return { phase, count: await countBoardCards(db, person.tenantId, phase, filter), cards }',
    replace: 'return { phase, count: cards.length, cards }',
    tests: ['test/web/board.test.ts'],
    testNamePattern: 'count every matching case',
  },
  {
    id: 'live-refresh-swaps',
    guarantee: 'an open board shows a change made elsewhere within 5 s, without a reload',
    file: 'src/web/assets/live.js',
    find: '    region.replaceWith(fresh)\n',
    replace: '',
    tests: ['test/web/browser.test.ts'],
    testNamePattern: 'within 5 s',
  },
  {
    id: 'form-actor-is-user',
    guarantee: "the board's saves are written as user:<email>",
    file: 'src/service/case-page.ts',
    find: 'actor: `user:${person.email}`',
    replace: 'actor: person.email',
    tests: ['test/web/case-page.test.ts'],
    testNamePattern: 'user:<email>',
  },
]
