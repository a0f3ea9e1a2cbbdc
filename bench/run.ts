// npm run bench: Keyward against oidc-provider and the node:http limit. See bench/README.md.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT, stopAll } from './child.ts'
import { wrkAvailable } from './load/wrk.ts'
import { describeMachine, loadAverage, pinLoadGenerator } from './machine.ts'
import { type BenchOptions, parseOptions, USAGE } from './options.ts'
import { renderTable, type Summary, summarize } from './report.ts'
import { runScenario, type ScenarioResult } from './runner.ts'
import { SCENARIOS } from './scenarios.ts'
import { type Need, ROLE_OF, type ServerName, type ServerUnderTest, type SetupOptions } from './server.ts'
import { setUpKeyward } from './servers/keyward.ts'
import { setUpScriptServer } from './servers/script-server.ts'
import { checkTargets, renderTargets } from './targets.ts'

const SET_UP: Readonly<Record<ServerName, (options: SetupOptions) => Promise<ServerUnderTest>>> = {
  limit: (options) => setUpScriptServer('limit', options),
  'fastify-es256': (options) => setUpScriptServer('fastify-es256', options),
  'oidc-provider': (options) => setUpScriptServer('oidc-provider', options),
  'oidc-provider-redis': (options) => setUpScriptServer('oidc-provider-redis', options),
  'keyward-sqlite': (options) => setUpKeyward('sqlite', options),
  'keyward-postgres': (options) => setUpKeyward('postgres', options),
}

const log = (line: string) => process.stderr.write(`${line}\n`)

async function bench(options: BenchOptions): Promise<void> {
  const machine = describeMachine()
  const pinned = pinLoadGenerator()
  const wrk = wrkAvailable()
  const scenarios = SCENARIOS.filter((scenario) => options.scenarios.includes(scenario.name))
  const needs = new Set<Need>(scenarios.flatMap((scenario) => scenario.needs))
  const names = options.servers.filter((name) =>
    scenarios.some((scenario) => scenario.roles.has(ROLE_OF[name])),
  )
  log(
    `${machine.cpus} × ${machine.cpuModel}, node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}; ` +
      `${pinned ? 'servers on CPU 1, load on CPU 0' : 'not pinned (needs taskset and two cores)'}; ` +
      `${wrk ? 'wrk' : 'autocannon'}; ${options.rounds} × ${options.duration} s after ${options.warmup} s warm-up`,
  )

  const servers: ServerUnderTest[] = []
  // Interrupted, it still stops its servers and drops the PostgreSQL database and the temporary directories.
  const interrupted = async () => {
    await stopAll()
    for (const server of servers) await server.dispose()
    process.exit(130)
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void interrupted())
  const results: ScenarioResult[] = []
  try {
    for (const name of names) {
      log(`setting up ${name}`)
      servers.push(await SET_UP[name]({ needs, pinned, cpuProf: options.cpuProf }))
    }
    for (const scenario of scenarios) {
      results.push(
        await runScenario(scenario, servers, {
          rounds: options.rounds,
          duration: options.duration,
          warmup: options.warmup,
          connections: options.connections,
          wrk,
          log,
        }),
      )
    }
  } finally {
    for (const server of servers) await server.dispose()
  }

  const summaries: Summary[] = results.flatMap(summarize)
  const targets = checkTargets(summaries)
  const finishedAt = new Date()
  const loadAverageAtEnd = loadAverage()
  console.log(
    `\nKeyward benchmark, ${finishedAt.toISOString()}: ${machine.cpus} × ${machine.cpuModel}, node ${machine.node}, ` +
      `${wrk ? 'wrk' : 'autocannon'}, ${options.rounds} round(s) × ${options.duration} s, ` +
      `${options.connections} connections (code flow: 4, OIDC code flow: 16)${pinned ? ', server on CPU 1 and load on CPU 0' : ''}, ` +
      `load average ${machine.loadAverage.toFixed(2)} at the start and ${loadAverageAtEnd.toFixed(2)} at the end\n`,
  )
  console.log(renderTable(summaries, options.scenarios, names))
  if (targets.length > 0) console.log(`\nTargets:\n${renderTargets(targets)}`)

  if (options.save) {
    const directory = join(ROOT, 'bench/results')
    await mkdir(directory, { recursive: true })
    const file = join(directory, `${finishedAt.toISOString().replace(/[:.]/g, '-')}.json`)
    const loadGenerator = wrk ? 'wrk (repeated requests), autocannon (the rest)' : 'autocannon'
    await writeFile(
      file,
      `${JSON.stringify(
        {
          finishedAt,
          machine,
          loadAverageAtEnd,
          pinned,
          options,
          loadGenerator,
          results,
          summaries,
          targets,
        },
        null,
        2,
      )}\n`,
    )
    console.log(`\nResults: ${file}`)
  }
}

const options = parseOptions(process.argv.slice(2))
if (options === 'help') console.log(USAGE)
else await bench(options)
