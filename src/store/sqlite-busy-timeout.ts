// How long a SQLite connection waits for another's lock, in a module that imports nothing: the
// checkpoint thread opens its connection with it, and every module a thread loads stays in that
// thread's heap (dialect.ts would bring the query builder, ~13 MB of RSS).

/** How long a writer waits for another process's write lock before giving up (503000). */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000
