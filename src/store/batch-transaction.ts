// One transaction for many units of work, each in its own savepoint: the store half of group commit.

import type { Db, Tx } from './database.js'

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

/**
 * A unit of work; it sees the changes of the units before it in the same batch. It may answer
 * `undone(value)`: it succeeds with that value, but its writes are rolled back (a replayed answer).
 */
export type Unit<T> = (trx: Tx) => Promise<T | Undone<T>>

const UNDONE = Symbol('undone')
export interface Undone<T> {
  readonly [UNDONE]: true
  readonly value: T
}

export function undone<T>(value: T): Undone<T> {
  return { [UNDONE]: true, value }
}

function isUndone<T>(result: T | Undone<T>): result is Undone<T> {
  return typeof result === 'object' && result !== null && UNDONE in result
}

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
        const result = await unit(savepoint)
        if (isUndone(result)) await savepoint.rollbackToSavepoint(SAVEPOINT).execute()
        results.push({ ok: true, value: isUndone(result) ? result.value : result })
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

/** One unit in a transaction of its own (no group commit): committed, or rolled back when undone or failed. */
export async function runAlone<T>(db: Db, unit: Unit<T>): Promise<T> {
  const trx = await db.startTransaction().execute()
  try {
    const result = await unit(trx)
    if (isUndone(result)) {
      await trx.rollback().execute()
      return result.value
    }
    await trx.commit().execute()
    return result
  } catch (error) {
    await trx.rollback().execute().catch(() => undefined)
    throw error
  }
}
