// The value axis of a count chart: whole-number ticks in steps of 1, 2 or 5 times a power of ten.

/** Ticks from 0 to at least `max` (and at least 1), at most about `most` of them. */
export function valueTicks(max: number, most = 5): number[] {
  const rough = Math.max(1, max) / (most - 1)
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  // Counts are whole: a step under 1 would label fractions of a case.
  const step = Math.max(1, [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough)!)
  const top = Math.max(step, Math.ceil(max / step) * step)
  return Array.from({ length: top / step + 1 }, (_, index) => index * step)
}
