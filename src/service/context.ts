// What every use case needs: the open store and a clock (passed in so tests and replays agree).

import type { Store } from '../store/database.js'

export interface ServiceContext {
  store: Store
  /** The current time; injected so timing rules can be tested without waiting. */
  now: () => Date
}

export function createServiceContext(store: Store, now: () => Date = () => new Date()): ServiceContext {
  return { store, now }
}

export function isoNow(ctx: ServiceContext): string {
  return ctx.now().toISOString()
}
