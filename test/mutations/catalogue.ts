// Every guarantee a test claims, as a break of the code that the named tests must notice (npm run test:mutations).
// Each area keeps its breaks in its own file; this one gathers them.

export interface Mutation {
  /** Short, stable name, used to run one mutation alone. */
  id: string
  /** The guarantee this removes, in words. */
  guarantee: string
  /** Project-relative file to change. */
  file: string
  /** Text that must occur exactly once in the file (else the mutation is stale and reported so). */
  find: string
  replace: string
  /** Test files that claim the guarantee: at least one of their tests must fail. */
  tests: string[]
  /** Narrows the run to the tests named for the guarantee (node --test-name-pattern). */
  testNamePattern?: string
}

import { BACK_DATING_MUTATIONS } from './back-dating.js'
import { BOARD_MUTATIONS } from './board.js'
import { CHANGE_BATCH_MUTATIONS } from './change-batch.js'
import { CHANGE_LOG_MUTATIONS } from './change-log.js'
import { CRASH_AND_SHUTDOWN_MUTATIONS } from './crash-and-shutdown.js'
import { IF_MATCH_MUTATIONS } from './if-match.js'
import { IMPORT_PARSE_MUTATIONS } from './import-parse.js'
import { REQUEST_THREAD_MUTATIONS } from './request-thread.js'
import { OAUTH_MUTATIONS } from './oauth.js'
import { LEAN_WRITE_MUTATIONS } from './lean-writes.js'
import { ATOMICITY_MUTATIONS } from './atomicity.js'
import { STRUCTURE_MUTATIONS } from './structure.js'
import { V7_MUTATIONS } from './v7.js'
import { WEBHOOK_MUTATIONS } from './webhooks.js'
import { WORKFLOW_RULES_MUTATIONS } from './workflow-rules.js'
import { WRITER_THREAD_MUTATIONS } from './writer-thread.js'
import { WORKFLOW_LANE_MUTATIONS } from './workflow-lane.js'

export const MUTATIONS: Mutation[] = [...BOARD_MUTATIONS, ...CRASH_AND_SHUTDOWN_MUTATIONS, ...ATOMICITY_MUTATIONS, ...STRUCTURE_MUTATIONS, ...WEBHOOK_MUTATIONS, ...IF_MATCH_MUTATIONS, ...WORKFLOW_RULES_MUTATIONS, ...BACK_DATING_MUTATIONS, ...V7_MUTATIONS, ...WRITER_THREAD_MUTATIONS, ...OAUTH_MUTATIONS, ...LEAN_WRITE_MUTATIONS, ...CHANGE_BATCH_MUTATIONS, ...CHANGE_LOG_MUTATIONS, ...IMPORT_PARSE_MUTATIONS, ...REQUEST_THREAD_MUTATIONS, ...WORKFLOW_LANE_MUTATIONS]
