// The Insights page's buckets (SPEC §7): the UTC days of its window and the bands of its durations.

const DAY_MS = 86_400_000
const HOUR_S = 3_600
const DAY_S = 86_400

/** How many days the per-day figures and the timings look back, today included. */
export const INSIGHT_DAYS = 30

/** The duration bands, each up to (not including) its bound; the last one is open-ended. */
export const DURATION_BANDS = [
  { label: 'Under 1 h', below: HOUR_S },
  { label: '1–4 h', below: 4 * HOUR_S },
  { label: '4–24 h', below: DAY_S },
  { label: '1–3 d', below: 3 * DAY_S },
  { label: '3–7 d', below: 7 * DAY_S },
  { label: '7 d or more', below: Infinity },
] as const

export type DurationBand = (typeof DURATION_BANDS)[number]['label']

/** The last `count` UTC days as YYYY-MM-DD, oldest first, ending with the day `now` falls on. */
export function utcDaysEndingAt(now: Date, count: number): string[] {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS
  return Array.from({ length: count }, (_, index) => new Date(today - (count - 1 - index) * DAY_MS).toISOString().slice(0, 10))
}

/** The instant the window of `count` days ending today starts: midnight UTC of its oldest day. */
export function windowStart(now: Date, count: number): string {
  return `${utcDaysEndingAt(now, count)[0]}T00:00:00.000Z`
}

/** How many of the durations (in seconds) fall in each band, in the bands' order. */
export function countByBand(seconds: readonly number[]): { band: DurationBand; count: number }[] {
  const counts = DURATION_BANDS.map((band) => ({ band: band.label as DurationBand, count: 0 }))
  for (const value of seconds) {
    const index = DURATION_BANDS.findIndex((band) => value < band.below)
    counts[index]!.count += 1
  }
  return counts
}
