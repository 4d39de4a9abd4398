// Breaks of the v4.1 lane (src/http/workflow-lane.ts): that it takes a remembered key's calls at
// all, and that what it answers and counts is what Fastify's route and hooks would.

import type { Mutation } from './catalogue.js'

const LANE = 'src/http/workflow-lane.ts'
const LANE_TESTS = ['test/http/workflow-lane.test.ts']

export const WORKFLOW_LANE_MUTATIONS: Mutation[] = [
  {
    id: 'lane-never-takes',
    guarantee: "a remembered key's v4.1 calls are answered by the lane, never reaching Fastify's hooks",
    file: LANE,
    find: '      if (caller === undefined) return false\n',
    replace: '      if (caller !== null) return false\n',
    tests: LANE_TESTS,
  },
  {
    id: 'lane-takes-a-query-string',
    guarantee: "the lane leaves a call with a query string (whose fields it does not read) to Fastify",
    file: LANE,
    find: "  const format = LANE_PATHS.get(request.url ?? '')\n",
    replace: "  const format = LANE_PATHS.get((request.url ?? '').split('?')[0]!)\n",
    tests: LANE_TESTS,
  },
  {
    id: 'lane-takes-repeated-headers',
    guarantee: 'the lane leaves a call with a repeated Host, Content-Type or Authorization to Fastify, which refuses it',
    file: LANE,
    find: '  return counts.every((count) => count === 1)\n',
    replace: '  return counts.every((count) => count >= 1)\n',
    tests: LANE_TESTS,
  },
  {
    id: 'lane-skips-rate-limit',
    guarantee: 'the lane takes a token from the key\'s bucket and sends the RateLimit headers, as the route\'s hook does',
    file: LANE,
    find: '    await deps.rateLimiter(caller, { header: (name, value) => headers.push(name, value) })\n',
    replace: '',
    tests: LANE_TESTS,
  },
  {
    id: 'lane-without-common-headers',
    guarantee: 'the lane\'s answers carry the headers of every answer (x-content-type-options, cache-control)',
    file: LANE,
    find: "'x-content-type-options', 'nosniff', 'cache-control', 'no-store', ",
    replace: '',
    tests: LANE_TESTS,
  },
  {
    id: 'lane-errors-unconfirmed',
    guarantee: "the lane looks a remembered key up before an error answer: a key revoked in another process answers 200000, not the call's other fault",
    file: LANE,
    find: '    const refusal = await keyRefusalOr(deps.ctx, caller, error)\n',
    replace: '    const refusal = error\n',
    tests: ['test/http/workflow-key-cache-nodes.test.ts'],
  },
  {
    id: 'lane-ignores-closing',
    guarantee: 'a call reaching a closing server on a kept-alive connection answers 503000 by Fastify, not by the lane',
    file: LANE,
    find: '      if (serving === undefined || serving.isClosing()) return false\n',
    replace: '      if (serving === undefined) return false\n',
    tests: ['test/http/workflow-shutdown.test.ts'],
  },
  {
    id: 'lane-uncounted',
    guarantee: "the lane's answers are counted in /metrics under their route, as Fastify's hook counts them",
    file: LANE,
    find: "    deps.recordAnswer('POST', request.url!, status, elapsedMs / 1000)\n",
    replace: '',
    tests: LANE_TESTS,
  },
]
