// The wrk script of compare.mjs's v4.1 call (status, comment and assignee on a random one of the
// records), shared by the wrk-driven benchmarks, and whether wrk is here to run it.

import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'

/** Whether wrk runs on this machine (apt-get install wrk). */
export function wrkInstalled(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined
}

/**
 * Writes the script to `file` and returns its path. `paced`: each connection waits PAUSE_MS
 * (from wrk's environment) after every answer, so that the connections together send a set rate.
 */
export function writeUpdateScript(file: string, records: number, assignee: string, { paced = false } = {}): string {
  const pause = paced ? 'local pause = tonumber(os.getenv("PAUSE_MS") or "0")\n' : ''
  const delay = paced ? 'function delay() return pause end\n' : ''
  writeFileSync(
    file,
    `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = os.getenv("AUTH")
${pause}math.randomseed(os.time())
${delay}request = function()
  local id = math.random(1, ${records})
  return wrk.format(nil, "/v4.1/workflow.json", nil, "number_customergauge=" .. id .. "&status=CLOSE&comment=Solved%20the%20issue&assigned_to=${encodeURIComponent(assignee)}")
end
`,
  )
  return file
}
