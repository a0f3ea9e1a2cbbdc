import { parseArgs } from 'node:util'
import { SCENARIO_NAMES, type ScenarioName } from './scenarios.ts'
import { SERVER_NAMES, type ServerName } from './server.ts'

export interface BenchOptions {
  readonly rounds: number
  /** Seconds of each measured round. */
  readonly duration: number
  /** Seconds of load before the first round, not measured. */
  readonly warmup: number
  readonly connections: number
  readonly scenarios: readonly ScenarioName[]
  readonly servers: readonly ServerName[]
  /** Where the JSON results go; absent with --no-save. */
  readonly save: boolean
  /** Run Keyward under --cpu-prof and keep the profiles. */
  readonly cpuProf: boolean
}

export const USAGE = `npm run bench -- [options]
  --rounds N          measured rounds per scenario (default 3)
  --duration S        seconds per round (default 10)
  --warmup S          seconds of warm-up before the first round (default 3)
  --connections N     concurrent connections (default 50; the code flow uses 4)
  --scenarios a,b     ${SCENARIO_NAMES.join(', ')}
  --servers a,b       ${SERVER_NAMES.join(', ')}
  --quick             1 round of 3 s after 1 s of warm-up, to try it out
  --cpu-prof          write V8 CPU profiles of the Keyward servers to bench/results/profiles
  --no-save           do not write bench/results/<timestamp>.json`

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} takes a whole number ≥ 1, not "${text}"`)
  return value
}

function listOf<T extends string>(name: string, text: string | undefined, known: readonly T[]): readonly T[] {
  if (text === undefined) return known
  const picked = text.split(',').map((entry) => entry.trim())
  const unknown = picked.filter((entry) => !(known as readonly string[]).includes(entry))
  if (unknown.length > 0)
    throw new Error(`--${name}: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`)
  return known.filter((entry) => picked.includes(entry))
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      scenarios: { type: 'string' },
      servers: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'no-save': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) return 'help'
  return {
    rounds: positive('rounds', values.rounds, values.quick ? 1 : 3),
    duration: positive('duration', values.duration, values.quick ? 3 : 10),
    warmup: positive('warmup', values.warmup, values.quick ? 1 : 3),
    connections: positive('connections', values.connections, 50),
    scenarios: listOf('scenarios', values.scenarios, SCENARIO_NAMES),
    servers: listOf('servers', values.servers, SERVER_NAMES),
    save: !values['no-save'],
    cpuProf: values['cpu-prof'],
  }
}
