// Breaks of atomicity, group commit and idempotency (issue 12, items 3–5).

import type { Mutation } from './catalogue.js'

export const ATOMICITY_MUTATIONS: Mutation[] = []
