// Tells this process's dispatcher that a committed write queued deliveries, so it sends them at once.

export interface OutboxSignal {
  /** Called after a commit that queued deliveries. */
  notify(): void
  /** The dispatcher listens while it runs; returns the way to stop listening. */
  listen(listener: () => void): () => void
}

export function createOutboxSignal(): OutboxSignal {
  const listeners = new Set<() => void>()
  return {
    notify: () => listeners.forEach((listener) => listener()),
    listen(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
