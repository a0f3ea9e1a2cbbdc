import type { ChildServer } from './child.ts'
import { measure } from './load/measure.ts'
import type { Sample } from './load/sample.ts'
import type { LoadScenario, Scenario, ScenarioName, StartupScenario } from './scenarios.ts'
import type { ServerName, ServerUnderTest } from './server.ts'

export interface RunSettings {
  readonly rounds: number
  readonly duration: number
  readonly warmup: number
  readonly connections: number
  readonly wrk: boolean
  /** Progress lines, to stderr: a long run should show it is alive. */
  readonly log: (line: string) => void
}

/** Everything one server did in one scenario; round i of every server ran back to back. */
export interface ServerResult {
  readonly server: ServerName
  /** One per measured round (load scenarios). */
  readonly samples: readonly Sample[]
  /** One per process start: the cold start scenario starts a process per round, the others one. */
  readonly coldStartMs: readonly number[]
  readonly rssIdleBytes: readonly (number | null)[]
  /** After the last round of load; null for the cold start scenario. */
  readonly rssAfterBytes: number | null
}

export interface ScenarioResult {
  readonly scenario: ScenarioName
  readonly unit: Scenario['unit']
  readonly connections: number | null
  readonly results: readonly ServerResult[]
}

/** Long enough for start-up work (JIT, first timers) to settle before memory is read as idle. */
const SETTLE_MS = 1000

const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS))

/** Round r starts with a different server each time, so that no server always runs first or last. */
function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = round % Math.max(1, items.length)
  return [...items.slice(shift), ...items.slice(0, shift)]
}

async function coldStarts(
  scenario: StartupScenario,
  servers: readonly ServerUnderTest[],
  settings: RunSettings,
): Promise<ScenarioResult> {
  const starts = new Map(servers.map((server) => [server, [] as number[]]))
  const idle = new Map(servers.map((server) => [server, [] as (number | null)[]]))
  for (let round = 0; round < settings.rounds; round++) {
    for (const server of rotated(servers, round)) {
      const child = await server.start(scenario.name)
      await settle()
      starts.get(server)?.push(child.coldStartMs)
      idle.get(server)?.push(child.rss())
      await child.stop()
      settings.log(
        `${scenario.name} ${round + 1}/${settings.rounds} ${server.name}: ${child.coldStartMs.toFixed(0)} ms`,
      )
    }
  }
  return {
    scenario: scenario.name,
    unit: scenario.unit,
    connections: null,
    results: servers.map((server) => ({
      server: server.name,
      samples: [],
      coldStartMs: starts.get(server) ?? [],
      rssIdleBytes: idle.get(server) ?? [],
      rssAfterBytes: null,
    })),
  }
}

function describe(sample: Sample, unit: string): string {
  const rate = unit === 'flows/s' ? sample.rate.toFixed(1) : sample.rate.toFixed(0)
  const failure = sample.failure === undefined ? '' : ` (${sample.failure})`
  return `${rate} ${unit}, p99 ${sample.p99Ms.toFixed(1)} ms, ${sample.errors} errors${failure}`
}

async function loadRounds(
  scenario: LoadScenario,
  servers: readonly ServerUnderTest[],
  settings: RunSettings,
): Promise<ScenarioResult> {
  const connections = scenario.connections ?? settings.connections
  const share = (seconds: number) => Math.max(1, Math.round(seconds * scenario.durationShare))
  const [warmup, duration] = [share(settings.warmup), share(settings.duration)]
  const running = new Map<ServerUnderTest, ChildServer>()
  const samples = new Map(servers.map((server) => [server, [] as Sample[]]))
  const lastRate = new Map<ServerUnderTest, number | null>(servers.map((server) => [server, null]))
  const round = async (server: ServerUnderTest, seconds: number): Promise<Sample> => {
    const child = running.get(server) as ChildServer
    const plan = { seconds, connections, lastRate: lastRate.get(server) ?? null }
    const workload = await scenario.workload(server, child.origin, plan)
    const sample = await measure(child.origin, workload, { connections, seconds, wrk: settings.wrk })
    lastRate.set(server, sample.rate)
    return sample
  }
  try {
    for (const server of servers) running.set(server, await server.start(scenario.name))
    await settle()
    const idle = new Map(servers.map((server) => [server, running.get(server)?.rss() ?? null]))
    // Warm-up, not measured. A round that spends issued tokens ends when they are spent, so go on until most
    // of the time is (a timed round spends all of it at once).
    for (const server of servers) {
      for (let spent = 0; spent < warmup * 0.9;) {
        spent += (await round(server, Math.max(1, Math.round(warmup - spent)))).seconds
      }
    }
    for (let index = 0; index < settings.rounds; index++) {
      for (const server of rotated(servers, index)) {
        const sample = await round(server, duration)
        samples.get(server)?.push(sample)
        settings.log(
          `${scenario.name} ${index + 1}/${settings.rounds} ${server.name}: ${describe(sample, scenario.unit)}`,
        )
      }
    }
    return {
      scenario: scenario.name,
      unit: scenario.unit,
      connections,
      results: servers.map((server) => {
        const child = running.get(server) as ChildServer
        return {
          server: server.name,
          samples: samples.get(server) ?? [],
          coldStartMs: [child.coldStartMs],
          rssIdleBytes: [idle.get(server) ?? null],
          rssAfterBytes: child.rss(),
        }
      }),
    }
  } finally {
    for (const child of running.values()) await child.stop()
  }
}

/** Runs one scenario on the servers it applies to, interleaving them round by round. */
export function runScenario(
  scenario: Scenario,
  servers: readonly ServerUnderTest[],
  settings: RunSettings,
): Promise<ScenarioResult> {
  const applicable = servers.filter((server) => scenario.roles.has(server.role))
  return scenario.kind === 'startup'
    ? coldStarts(scenario, applicable, settings)
    : loadRounds(scenario, applicable, settings)
}
