// One transaction for many units of work, each in its own savepoint: the store half of group commit.

import type { Db, Tx } from './database.js'

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

/** A unit of work; it sees the changes of the units before it in the same batch. */
export type Unit<T> = (trx: Tx) => Promise<T>

// Released after each unit, so one name serves them all.
const SAVEPOINT = 'unit'

/**
 * Runs the units in order inside one transaction and commits once. A unit that throws is rolled
 * back to its savepoint alone and reported as failed; the others still commit. An error for which
 * `abortsBatch` is true (the database is busy or gone) rolls everything back and is thrown: then
 * no unit committed, including those reported ok so far.
 */
export async function runInOneTransaction<T>(
  db: Db,
  units: readonly Unit<T>[],
  abortsBatch: (error: unknown) => boolean,
): Promise<Settled<T>[]> {
  const trx = await db.startTransaction().execute()
  try {
    const results: Settled<T>[] = []
    for (const unit of units) {
      const savepoint = await trx.savepoint(SAVEPOINT).execute()
      try {
        results.push({ ok: true, value: await unit(savepoint) })
      } catch (error) {
        if (abortsBatch(error)) throw error
        await savepoint.rollbackToSavepoint(SAVEPOINT).execute()
        results.push({ ok: false, error })
      }
      await savepoint.releaseSavepoint(SAVEPOINT).execute()
    }
    await trx.commit().execute()
    return results
  } catch (error) {
    await trx.rollback().execute().catch(() => undefined)
    throw error
  }
}
