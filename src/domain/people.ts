// The people who work cases (SPEC §7): their roles and what a password must be.

import { FirehouseError } from './errors.js'

export const ROLES = ['agent', 'admin'] as const
export type Role = (typeof ROLES)[number]

export function isRole(value: unknown): value is Role {
  return ROLES.includes(value as Role)
}

export const MIN_PASSWORD_CODE_POINTS = 10
export const MAX_PASSWORD_CODE_POINTS = 256

/** The password as it is hashed: in NFC form, 10–256 code points, any Unicode; 300001 otherwise. */
export function normalizePassword(password: string): string {
  const normalized = password.normalize('NFC')
  const length = [...normalized].length
  if (length < MIN_PASSWORD_CODE_POINTS || length > MAX_PASSWORD_CODE_POINTS) {
    throw new FirehouseError(
      'INVALID_ARGUMENT',
      `A password has ${MIN_PASSWORD_CODE_POINTS} to ${MAX_PASSWORD_CODE_POINTS} characters (this one has ${length})`,
    )
  }
  return normalized
}
