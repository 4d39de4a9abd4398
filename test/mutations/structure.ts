// Breaks of the statement cache and the layer boundaries (issue 12, items 6–7).

import type { Mutation } from './catalogue.js'

export const STRUCTURE_MUTATIONS: Mutation[] = []
