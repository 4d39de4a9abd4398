// Stops everything the benchmark started, on a normal end, on an error and on Ctrl-C alike.

type Cleanup = () => Promise<void> | void

interface Entry {
  cleanup: Cleanup
  /** Synchronous last resort when the process exits before the cleanup could run (e.g. SIGKILL a child). */
  onExit?: () => void
}

const entries = new Set<Entry>()

/** Registers a cleanup; call the returned function once the resource is gone to unregister it. */
export function registerCleanup(cleanup: Cleanup, onExit?: () => void): () => void {
  const entry: Entry = { cleanup, onExit }
  entries.add(entry)
  return () => entries.delete(entry)
}

/** Runs every registered cleanup, newest first; a failing cleanup does not stop the others. */
export async function runCleanups(): Promise<void> {
  for (const entry of [...entries].reverse()) {
    entries.delete(entry)
    try {
      await entry.cleanup()
    } catch (error) {
      console.error(`cleanup failed: ${(error as Error).message}`)
    }
  }
}

/** Ctrl-C and SIGTERM clean up, then exit; an exit that skips the cleanups still kills the children. */
export function installCleanupHandlers(): void {
  let interrupted = false
  const interrupt = (signal: NodeJS.Signals): void => {
    if (interrupted) return
    interrupted = true
    console.error(`\n${signal}: stopping the servers and removing the databases…`)
    void runCleanups().finally(() => process.exit(130))
  }
  // Listeners stay installed: a repeated signal must not fall back to Node's default (exit at once).
  process.on('SIGINT', interrupt)
  process.on('SIGTERM', interrupt)
  process.once('exit', () => {
    for (const entry of entries) entry.onExit?.()
  })
}
