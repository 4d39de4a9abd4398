// Breaks of PostgreSQL plans, shutdown, crash safety and the always-true asserts (issue 12, items 1, 2, 8).

import type { Mutation } from './catalogue.js'

export const CRASH_AND_SHUTDOWN_MUTATIONS: Mutation[] = []
