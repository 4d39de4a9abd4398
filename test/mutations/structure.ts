// Breaks of the statement cache and the layer boundaries (issue 12, items 6–7).

import type { Mutation } from './catalogue.js'

export const STRUCTURE_MUTATIONS: Mutation[] = [
  {
    id: 'statement-cache-fifo',
    guarantee: 'the statement cache evicts the least recently used text, not the oldest one',
    file: 'src/store/statement-cache.ts',
    // Without the move to the end on a hit, the Map's order is insertion order: first in, first out.
    find: '        prepared.delete(sql)\n        prepared.set(sql, cached)\n',
    replace: '',
    tests: ['test/store/statement-cache.test.ts'],
    testNamePattern: 'least recently used',
  },
]
