// Describes the machine a run measured: CPU, cores, memory, Node, and the disk under the databases.

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, totalmem, availableParallelism, platform, release } from 'node:os'

export interface Machine {
  cpu: string
  cores: number
  memoryGiB: number
  node: string
  os: string
  /** The file system and device holding the benchmark's databases. */
  disk: string
}

export function describeMachine(dataDir: string): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
    disk: describeDisk(dataDir),
  }
}

export function formatMachine(machine: Machine): string {
  return [
    `CPU     ${machine.cpu}, ${machine.cores} cores`,
    `Memory  ${machine.memoryGiB} GiB`,
    `Node    ${machine.node} on ${machine.os}`,
    `Disk    ${machine.disk}`,
  ].join('\n')
}

/** `df` of the folder (device, type, size), and whether the device rotates where Linux says. */
function describeDisk(dir: string): string {
  try {
    const line = execFileSync('df', ['-hT', dir], { encoding: 'utf8' }).trim().split('\n').at(-1) ?? ''
    const [device = '?', type = '?', size = '?'] = line.split(/\s+/)
    return `${device} (${type}, ${size})${rotational(device)}`
  } catch {
    return 'unknown'
  }
}

function rotational(device: string): string {
  const name = /^\/dev\/(nvme\d+n\d+|[a-z]+)/.exec(device)?.[1]
  if (!name) return ''
  try {
    return readFileSync(`/sys/block/${name}/queue/rotational`, 'utf8').trim() === '1' ? ', rotational' : ', SSD'
  } catch {
    return ''
  }
}
