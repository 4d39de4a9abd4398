// Runs independent steps of a test a few at a time: a table of rows that each touch their own case
// need not wait for one another, and the server under test is built to take concurrent calls.

/** Calls `step` for every item, at most `limit` at once; rejects with the first failure once all settled. */
export async function inParallel<T>(items: readonly T[], limit: number, step: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const failures: unknown[] = []
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!
      try {
        await step(item)
      } catch (error) {
        failures.push(error)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failures.length > 0) throw failures[0]
}
