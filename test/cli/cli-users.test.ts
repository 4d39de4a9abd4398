// The board's accounts from the CLI (SPEC §7): user add --role, set-role and set-password, in-process through
// runCli; the terminal prompts run the built binary in a pseudo-terminal.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ServiceContext } from '../../src/service/context.js'
import { openServiceContext } from '../../src/service/database.js'
import { createHashGate } from '../../src/service/password-hash.js'
import { resolveSession, signIn } from '../../src/service/sessions.js'
import { assertOneLineFailure, createWorkspace, lines, runInProcess, runInTerminal, type CliResult, type Workspace } from './cli-process.js'

const ANN = 'ann.swer@directness.net'
const DES = 'des.patch@directness.net'
const PASSWORD = 'correct horse battery'

interface UserJson {
  email: string
  role: string
  active: boolean
  has_password: boolean
}

/** Runs `fn` on the workspace's database, through the services the server uses. */
async function withContext<T>(ws: Workspace, fn: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const ctx = await openServiceContext(ws.db)
  try {
    return await fn(ctx)
  } finally {
    await ctx.store.close()
  }
}

/** What the board's sign-in answers for these credentials (a session id when they are right). */
function trySignIn(ws: Workspace, email: string, password: string) {
  return withContext(ws, (ctx) => signIn(ctx, createHashGate(), { region: 'eu', workspace: 'acme', email, password }))
}

async function hasPassword(ws: Workspace, email: string): Promise<boolean> {
  const users = await ws.json<UserJson[]>(['user', 'list', 'acme'])
  return users.find((user) => user.email === email)!.has_password
}

function assertNotShown(result: CliResult, secret: string): void {
  assert.ok(!`${result.stdout}${result.stderr}`.includes(secret), `the password is printed nowhere: ${JSON.stringify(result)}`)
}

async function acmeWith(t: Parameters<typeof createWorkspace>[0], ...emails: string[]): Promise<Workspace> {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  for (const email of emails) await ws.ok(['user', 'add', 'acme', email])
  return ws
}

test('user add takes --role (agent by default), user set-role changes it, and user list shows role and has_password in text and --json', async (t) => {
  const ws = await acmeWith(t)
  assert.equal(await ws.ok(['user', 'add', 'acme', DES, '--name', 'Des Patch', '--role', 'admin']), `Added user ${DES} (admin)\n`)
  const ann = await ws.json<UserJson>(['user', 'add', 'acme', ANN])
  assert.deepEqual([ann.role, ann.has_password], ['agent', false])
  assertOneLineFailure(await ws.run(['user', 'add', 'acme', 'x@directness.net', '--role', 'boss']), /^error: A role is one of agent, admin/, ws)

  assert.equal(await ws.ok(['user', 'set-role', 'acme', ANN, 'admin']), `Set the role of ${ANN} to admin\n`)
  assert.deepEqual(await ws.json(['user', 'set-role', 'acme', DES.toUpperCase(), 'agent']), { email: DES.toUpperCase(), role: 'agent' })
  assertOneLineFailure(await ws.run(['user', 'set-role', 'acme', ANN, 'owner']), /^error: A role is one of agent, admin \(got "owner"\)\n$/, ws)
  assertOneLineFailure(await ws.run(['user', 'set-role', 'acme', 'nobody@directness.net', 'admin']), /^error: Unknown user: nobody@directness\.net\n$/, ws)

  await ws.ok(['user', 'set-password', 'acme', DES], `${PASSWORD}\n`)
  const [text, json] = await Promise.all([ws.ok(['user', 'list', 'acme']), ws.json<UserJson[]>(['user', 'list', 'acme'])])
  assert.deepEqual(
    json.map(({ email, role, active, has_password }) => ({ email, role, active, has_password })),
    [
      { email: ANN, role: 'admin', active: true, has_password: false },
      { email: DES, role: 'agent', active: true, has_password: true },
    ],
  )
  assert.deepEqual(
    lines(text).map((line) => line.split(/\s{2,}/).slice(0, 5)),
    [
      ['email', 'name', 'role', 'active', 'has_password'],
      [ANN, '-', 'admin', 'true', 'false'],
      [DES, 'Des Patch', 'agent', 'true', 'true'],
    ],
  )
})

test('user set-password reads the password from stdin: it then signs in, the old one no longer does, sessions end, and it is printed nowhere', async (t) => {
  const ws = await acmeWith(t, ANN)
  const first = await ws.run(['user', 'set-password', 'acme', ANN], `${PASSWORD}\n`)
  assert.deepEqual(first, { code: 0, stdout: `Set the password of ${ANN}; their sessions are ended\n`, stderr: '' })
  const session = await trySignIn(ws, ANN, PASSWORD)
  assert.equal(session.outcome, 'signed-in')
  assert.equal((await trySignIn(ws, ANN, `${PASSWORD}\n`)).outcome, 'wrong', 'the newline is not part of the password')

  // Without a final newline, and with --json.
  const second = await ws.run(['user', 'set-password', 'acme', ANN, '--json'], 'another long password')
  assert.equal(second.code, 0, second.stderr)
  assert.deepEqual(JSON.parse(second.stdout), { email: ANN, has_password: true })
  for (const result of [first, second]) assertNotShown(result, 'horse')
  assertNotShown(second, 'another')
  assert.equal((await trySignIn(ws, ANN, 'another long password')).outcome, 'signed-in')
  assert.equal((await trySignIn(ws, ANN, PASSWORD)).outcome, 'wrong')
  const sessionId = session.outcome === 'signed-in' ? session.sessionId : ''
  assert.equal(await withContext(ws, (ctx) => resolveSession(ctx, sessionId)), null, 'the new password ended the session')
})

test('user set-password refuses a too-short password, an empty stdin, two lines and an unknown user: one line, exit 1, nothing set', async (t) => {
  const ws = await acmeWith(t, ANN)
  const refusals: [string[], string, RegExp][] = [
    [[ANN], 'short pw\n', /^error: A password has 10 to 256 characters \(this one has 8\)\n$/],
    [[ANN], '', /^error: No password on stdin/],
    [[ANN], `${PASSWORD}\nsecond line\n`, /^error: Stdin holds more than one line/],
    [['nobody@directness.net'], `${PASSWORD}\n`, /^error: Unknown user: nobody@directness\.net\n$/],
    [[ANN.replace('@', '')], `${PASSWORD}\n`, /^error: Unknown user/],
  ]
  const results = await Promise.all(refusals.map(([args, stdin]) => ws.run(['user', 'set-password', 'acme', ...args], stdin)))
  results.forEach((result, index) => {
    assertOneLineFailure(result, refusals[index]![2], ws)
    assert.equal(result.code, 1)
    for (const secret of ['short pw', 'horse', 'second line']) assertNotShown(result, secret)
  })
  const noTenant = await ws.run(['user', 'set-password', 'nowhere', ANN], `${PASSWORD}\n`)
  assertOneLineFailure(noTenant, /nowhere/, ws)
  assert.equal(await hasPassword(ws, ANN), false)
})

test('user set-password at a terminal asks twice without echo and sets the password; different answers are refused', async (t) => {
  const ws = await acmeWith(t, ANN, DES)
  const asked = await runInTerminal(['user', 'set-password', 'acme', ANN, '--db', ws.db], [
    [/Password: $/, PASSWORD],
    [/Again: $/, PASSWORD],
  ])
  // The screen shows the prompts and the outcome, never what was typed.
  assert.deepEqual(asked, { code: 0, stdout: `Password: \r\nAgain: \r\nSet the password of ${ANN}; their sessions are ended\r\n`, stderr: '' })
  assert.equal((await trySignIn(ws, ANN, PASSWORD)).outcome, 'signed-in')

  const differ = await runInTerminal(['user', 'set-password', 'acme', DES, '--db', ws.db], [
    [/Password: $/, PASSWORD],
    [/Again: $/, 'correct horse battery staple'],
  ])
  assert.deepEqual(differ, { code: 1, stdout: 'Password: \r\nAgain: \r\nerror: The two passwords differ; nothing was changed\r\n', stderr: '' })
  const short = await runInTerminal(['user', 'set-password', 'acme', DES, '--db', ws.db], [[/Password: $/, 'tiny']])
  assert.deepEqual(short, { code: 1, stdout: 'Password: \r\nerror: A password has 10 to 256 characters (this one has 4)\r\n', stderr: '' })
  assert.equal(await hasPassword(ws, DES), false)
})

test('the CLI help lists user add --role, user set-password and user set-role', async () => {
  const { code, stderr } = await runInProcess(['--help'])
  assert.equal(code, 0)
  for (const usage of [
    'firehouse user add <tenant> <email> [--name N] [--role agent|admin]',
    'firehouse user set-password <tenant> <email>',
    'firehouse user set-role <tenant> <email> agent|admin',
  ]) {
    assert.ok(stderr.includes(`  ${usage}\n`), `${usage} in ${stderr}`)
  }
})
