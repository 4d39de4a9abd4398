// Times as people read them on the board: ages in words, instants in UTC.

import { durationWords } from '../../domain/sla.js'

export function ageWords(since: string, now: Date): string {
  return durationWords(Math.max(0, now.getTime() - Date.parse(since)))
}

/** "2026-11-27 10:05 UTC": unambiguous wherever the reader is. */
export function instantWords(iso: string | null): string {
  return iso === null ? '–' : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

export function durationWordsOrDash(seconds: number | null): string {
  return seconds === null ? '–' : durationWords(seconds * 1000)
}
