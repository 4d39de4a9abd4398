// Percentiles of durations, for the metrics summary.

/**
 * The p-th quantile (0 ≤ p ≤ 1) of the values, interpolating linearly between the closest ranks
 * (the common "type 7" definition, as spreadsheets and numpy use); null when there are none.
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * p
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const low = sorted[lower]!
  return low + (sorted[upper]! - low) * (position - lower)
}
