// Samples the resident memory of a process and its children (cluster workers) from /proc.

import { readdirSync, readFileSync } from 'node:fs'

const SAMPLE_INTERVAL_MS = 250

export interface RssPeak {
  /** Highest sum over the process and its descendants, in bytes (null where /proc is missing). */
  totalBytes: number | null
  /** Highest single process, in bytes. */
  processBytes: number | null
}

export interface RssSampler {
  peak(): RssPeak
  /** Forgets the peaks so far (e.g. after start-up, to measure under load only). */
  reset(): void
  /** The pids of the process and its descendants, as last seen. */
  pids(): number[]
  stop(): void
}

export function sampleRss(pid: number): RssSampler {
  let total: number | null = null
  let single: number | null = null
  let seen: number[] = [pid]
  const sample = (): void => {
    seen = processTree(pid)
    const sizes = seen.map(rssBytes).filter((size): size is number => size !== null)
    if (sizes.length === 0) return
    const sum = sizes.reduce((a, b) => a + b, 0)
    total = Math.max(total ?? 0, sum)
    single = Math.max(single ?? 0, ...sizes)
  }
  sample()
  const timer = setInterval(sample, SAMPLE_INTERVAL_MS)
  timer.unref()
  return {
    peak: () => (sample(), { totalBytes: total, processBytes: single }),
    reset: () => {
      total = null
      single = null
    },
    pids: () => seen,
    stop: () => clearInterval(timer),
  }
}

/** The process and all its descendants (Linux: /proc/<pid>/task/<tid>/children). */
export function processTree(pid: number): number[] {
  const tree = [pid]
  for (let i = 0; i < tree.length; i++) tree.push(...childrenOf(tree[i]!))
  return tree
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(' ')
        .filter((word) => word.trim() !== '')
        .map(Number),
    )
  } catch {
    return []
  }
}

function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}
