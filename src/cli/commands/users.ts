// Operator commands for a tenant's users: the people cases are assigned to, who sign in to the board.

import { FirehouseError } from '../../domain/errors.js'
import { normalizePassword, ROLES } from '../../domain/people.js'
import type { ServiceContext } from '../../service/context.js'
import { addUser, deactivateUser, listUsers, setPassword, setRole } from '../../service/users.js'
import type { CliEnvironment, Command } from '../command.js'
import { table } from '../output.js'

const ROLE_CHOICES = ROLES.join('|')

export const USER_COMMANDS: Record<string, Command> = {
  'user add': {
    usage: `user add <tenant> <email> [--name N] [--role ${ROLE_CHOICES}]`,
    summary: 'Add a user cases can be assigned to (role agent unless --role admin); user set-password lets them sign in',
    args: ['tenant', 'email'],
    options: { name: { type: 'string' }, role: { type: 'string' } },
    async run({ args, values, open }) {
      const user = await addUser(await open(), args[0]!, args[1]!, values.name as string | undefined, (values.role as string | undefined) ?? 'agent')
      return { text: `Added user ${user.email} (${user.role})`, json: user }
    },
  },
  'user list': {
    usage: 'user list <tenant>',
    summary: 'List a tenant\'s users, with their role and whether they have a password to sign in with',
    args: ['tenant'],
    async run({ args, open }) {
      const users = await listUsers(await open(), args[0]!)
      return { text: table(users, ['email', 'name', 'role', 'active', 'has_password', 'created_at']), json: users }
    },
  },
  'user set-password': {
    usage: 'user set-password <tenant> <email>',
    summary: 'Set a user\'s board password (10-256 characters) and end their sessions: one line on stdin, or typed twice at the terminal',
    args: ['tenant', 'email'],
    async run({ args, io, open }) {
      const [tenant, email] = [args[0]!, args[1]!]
      const ctx = await open()
      await assertUserExists(ctx, tenant, email)
      await setPassword(ctx, tenant, email, await readNewPassword(io))
      return { text: `Set the password of ${email}; their sessions are ended`, json: { email, has_password: true } }
    },
  },
  'user set-role': {
    usage: `user set-role <tenant> <email> ${ROLE_CHOICES}`,
    summary: 'Make a user an agent (works cases) or an admin (also manages the tenant at /settings)',
    args: ['tenant', 'email', 'role'],
    async run({ args, open }) {
      await setRole(await open(), args[0]!, args[1]!, args[2]!)
      return { text: `Set the role of ${args[1]} to ${args[2]}`, json: { email: args[1], role: args[2] } }
    },
  },
  'user deactivate': {
    usage: 'user deactivate <tenant> <email>',
    summary: 'Deactivate a user: cases can no longer be assigned to them, and their sessions end',
    args: ['tenant', 'email'],
    async run({ args, open }) {
      await deactivateUser(await open(), args[0]!, args[1]!)
      return { text: `Deactivated user ${args[1]}`, json: { email: args[1], active: false } }
    },
  },
}

/** Checked before asking: nobody should type a password twice to learn the e-mail was mistyped. */
async function assertUserExists(ctx: ServiceContext, tenant: string, email: string): Promise<void> {
  const wanted = email.trim().toLowerCase()
  if (!(await listUsers(ctx, tenant)).some((user) => user.email.toLowerCase() === wanted)) {
    throw new FirehouseError('INVALID_ARGUMENT', `Unknown user: ${email.slice(0, 254)}`)
  }
}

/** Piped in: stdin's one line. At a terminal: asked twice without echo, and refused unless both match. */
async function readNewPassword(io: CliEnvironment): Promise<string> {
  if (!io.terminal.stdin) return oneLine(await io.readStdin())
  // Checked before "Again", so a too-short password is not typed twice for nothing.
  const password = normalizePassword(await io.askSecret('Password: '))
  if (normalizePassword(await io.askSecret('Again: ')) !== password) {
    throw new FirehouseError('INVALID_ARGUMENT', 'The two passwords differ; nothing was changed')
  }
  return password
}

function oneLine(text: string): string {
  const line = text.replace(/\r?\n$/, '')
  if (line === '') throw new FirehouseError('INVALID_ARGUMENT', 'No password on stdin: pipe it in as one line, or run this at a terminal')
  // More than one line is refused rather than cut: a password silently shortened would not sign in.
  if (/[\r\n]/.test(line)) throw new FirehouseError('INVALID_ARGUMENT', 'Stdin holds more than one line; the password is one line')
  return line
}
