// Breaks of the statement cache, the layer boundaries and the client's closed sets (issue 12, items 6–7 and the code shapes).

import type { Mutation } from './catalogue.js'

export const STRUCTURE_MUTATIONS: Mutation[] = [
  {
    id: 'cli-refusal-exits-0',
    guarantee: 'the in-process CLI tests see runCli\'s exit code: a refusal that exits 0 fails them',
    file: 'src/cli/main.ts',
    find: '    return isUsageError(error) ? EXIT_USAGE : EXIT_FAILURE\n',
    replace: '    return EXIT_OK\n',
    tests: ['test/cli/cli-rules.test.ts'],
    testNamePattern: 'refuses a bad value',
  },
  {
    id: 'cli-bin-drops-exit-code',
    guarantee: 'the built binary exits with the code runCli returns (checked by a spawned test, not an in-process one)',
    file: 'src/cli/bin.ts',
    find: 'process.exitCode = await runCli(',
    replace: 'await runCli(',
    tests: ['test/cli/cli-errors.test.ts'],
    testNamePattern: 'the built binary exits',
  },
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
  {
    id: 'boundaries-side-effect-import',
    guarantee: 'a side-effect import of http/ from domain/ fails the boundary test',
    file: 'src/domain/region.ts',
    find: 'export type Region = (typeof REGIONS)[number]\n',
    replace: "export type Region = (typeof REGIONS)[number]\nimport '../http/server.js'\n",
    tests: ['test/architecture/boundaries.test.ts'],
    testNamePattern: 'every import in src/',
  },
  {
    id: 'boundaries-dynamic-import',
    guarantee: 'a dynamic import() of store/ from domain/ fails the boundary test',
    file: 'src/domain/status.ts',
    find: 'export type Phase = (typeof PHASES)[number]\n',
    replace: "export type Phase = (typeof PHASES)[number]\nexport const loadDatabase = () => import('../store/database.js')\n",
    tests: ['test/architecture/boundaries.test.ts'],
    testNamePattern: 'every import in src/',
  },
  {
    id: 'client-regions-drift',
    guarantee: "the client's REGIONS stay equal to src/domain's",
    file: 'src/client/options.ts',
    find: "export const REGIONS = ['eu', 'us', 'au'] as const",
    replace: "export const REGIONS = ['eu', 'us', 'au', 'ca'] as const",
    tests: ['test/client/closed-sets.test.ts'],
  },
  {
    id: 'client-phases-drift',
    guarantee: "the client's PHASES stay equal to src/domain's",
    file: 'src/client/types.ts',
    find: "export const PHASES = ['OPEN', 'PROGRESS', 'CLOSED'] as const",
    replace: "export const PHASES = ['OPEN', 'PROGRESS', 'CLOSED', 'ARCHIVED'] as const",
    tests: ['test/client/closed-sets.test.ts'],
  },
]
