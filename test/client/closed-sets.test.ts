// The client's copies of the server's closed sets (it imports no server code) stay equal to src/domain's lists.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as client from '../../src/client/index.js'
import * as region from '../../src/domain/region.js'
import * as status from '../../src/domain/status.js'

/** Compiles only when the two types are the same (tsc --noEmit checks the tests). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const sameTypes: [Same<client.Region, region.Region>, Same<client.Phase, status.Phase>] = [true, true]

test("the client's REGIONS are src/domain's, in the same order", () => {
  assert.deepEqual([...client.REGIONS], [...region.REGIONS])
})

test("the client's PHASES are src/domain's, in the same order", () => {
  assert.deepEqual([...client.PHASES], [...status.PHASES])
  assert.deepEqual(sameTypes, [true, true])
})
