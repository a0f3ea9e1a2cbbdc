import { spawnSync } from 'node:child_process'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'

/** The core the load generator (this process) runs on, and the core every server runs on. */
export const LOAD_CORE = 0
export const SERVER_CORE = 1

export interface Machine {
  readonly cpus: number
  readonly cpuModel: string
  readonly memoryGb: number
  readonly node: string
  readonly platform: string
  /** 1-minute load average when the run started: another busy process skews every number. */
  readonly loadAverage: number
}

function hasTaskset(): boolean {
  return spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0
}

/**
 * Pins every thread of this process (the load generator) to LOAD_CORE when taskset exists and there are two
 * cores; servers are then spawned under `taskset -c SERVER_CORE` (see serverCommand).
 */
export function pinLoadGenerator(): boolean {
  if (availableParallelism() < 2 || !hasTaskset()) return false
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(LOAD_CORE), String(process.pid)], {
    stdio: 'ignore',
  })
  return result.status === 0
}

/** The command that runs `node args` as a server: on its own core when pinned. */
export function serverCommand(pinned: boolean, args: readonly string[]): [string, string[]] {
  return pinned
    ? ['taskset', ['-c', String(SERVER_CORE), process.execPath, ...args]]
    : [process.execPath, [...args]]
}

/** The 1-minute load average: read at the start and the end of a run, it says how quiet the machine was. */
export function loadAverage(): number {
  return loadavg()[0] ?? 0
}

/** Read before pinning, which leaves this process one core to see. */
export function describeMachine(): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadAverage(),
  }
}
