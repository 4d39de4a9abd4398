// Statuses: the three phases, the standard v4.1 words and the tenant's extended codes.

export const PHASES = ['OPEN', 'PROGRESS', 'CLOSED'] as const
export type Phase = (typeof PHASES)[number]

/** The standard v4.1 words (after trimming and upper-casing) and the phase each means. */
const STANDARD_WORDS: Readonly<Record<string, Phase>> = {
  OPEN: 'OPEN',
  'IN-PROGRESS': 'PROGRESS',
  PROGRESS: 'PROGRESS',
  CLOSED: 'CLOSED',
  CLOSE: 'CLOSED',
}

export const MIN_STATUS_CODE = 0
export const MAX_STATUS_CODE = 99

/** One row of a tenant's extended status set. */
export interface ExtendedStatus {
  code: number
  label: string
  phase: Phase
}

/** What a case's status is: the phase, and the extended code and label where there is one. */
export interface CaseStatus {
  phase: Phase
  code: number | null
  label: string
}

export function isPhase(value: string): value is Phase {
  return (PHASES as readonly string[]).includes(value)
}

/** The phase a standard word names, or undefined when the word is not one of them. */
export function standardPhase(word: string): Phase | undefined {
  return STANDARD_WORDS[word.trim().toUpperCase()]
}

/** The status a phase maps to in a status set: its lowest code, else the phase itself. */
export function statusForPhase(phase: Phase, extended: readonly ExtendedStatus[]): CaseStatus {
  const lowest = extended
    .filter((status) => status.phase === phase)
    .sort((a, b) => a.code - b.code)[0]
  return lowest ? { phase, code: lowest.code, label: lowest.label } : { phase, code: null, label: phase }
}

/**
 * Resolves a status as the v4.1 API receives it. `extended` is the tenant's set, or null when
 * the tenant did not enable it. Returns undefined when the value names no status.
 */
export function resolveStatus(
  value: string,
  extended: readonly ExtendedStatus[] | null,
): CaseStatus | undefined {
  const word = value.trim()
  const phase = standardPhase(word)
  if (phase) return statusForPhase(phase, extended ?? [])
  if (!extended) return undefined
  const byCode = /^\d{1,2}$/.test(word)
    ? extended.find((status) => status.code === Number(word))
    : undefined
  const match = byCode ?? extended.find((status) => status.label.toLowerCase() === word.toLowerCase())
  return match ? { phase: match.phase, code: match.code, label: match.label } : undefined
}
