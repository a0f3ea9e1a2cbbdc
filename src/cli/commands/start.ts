import { type Command, InvalidArgumentError, Option } from 'commander'
import { startServer } from '../../server.ts'
import { type Environment, loadNamedConfig } from '../config-source.ts'
import { explainingStartup, UsageError } from '../context.ts'
import { releaseStartupMemory } from '../release-startup-memory.ts'
import { startConfiguredTracing } from '../tracing-settings.ts'
import { defaultWorkerCount, startWorkers, workerSlot, workersProblem } from '../../workers.ts'

/** How long after listening the start-up collection waits (src/cli/release-startup-memory.ts). */
const STARTUP_COLLECTION_DELAY_MS = 100

export function startCommand(program: Command, env: Environment): void {
  program
    .command('start')
    .description('run the authorization server')
    // The demo and its example apps live in the repository, not in the package: say where instead of "unknown option".
    .addOption(new Option('--demo').hideHelp())
    .addOption(
      new Option(
        '--workers <count>',
        'processes sharing the port (default: every core on PostgreSQL with Redis, else 1)',
      ).argParser(parseWorkerCount),
    )
    .action(async (options: { demo?: boolean; workers?: number }) => {
      if (options.demo) {
        throw new UsageError(
          'The demo runs from a checkout of the Keyward repository: `npm start` there. `keyward start` runs the server alone.',
        )
      }
      const loaded = loadNamedConfig(env)
      const { config } = loaded
      const workers = options.workers ?? defaultWorkerCount(config)
      const problem = workersProblem(config, workers)
      if (problem !== null) throw new UsageError(problem)
      const slot = workerSlot()
      // The primary of several workers serves nothing itself: it forks them, and drains them on a signal.
      if (slot === null && workers > 1) await explainingStartup(loaded, () => startWorkers(config, workers))
      else {
        // Before the server opens, so that its first statements are traced; each worker runs an SDK of its own.
        const tracing = await startConfiguredTracing(env)
        const server = await explainingStartup(loaded, () =>
          startServer(config, {
            ...(slot === null ? {} : { worker: slot, sweepsExpired: slot === 1 }),
            ...(tracing ? { tracing } : {}),
          }),
        )
        // Its pause (some 65 ms of CPU here) comes just after the server listens, not before it answers anyone:
        // requests already waiting when the port opened, a supervisor's or load balancer's probe, are answered
        // first, and the memory is given back well before the server is idle (issue #14).
        setTimeout(releaseStartupMemory, STARTUP_COLLECTION_DELAY_MS).unref()
        const closing = async () => {
          await server.close()
          // After the server: the spans of its last requests are sent too.
          await tracing?.shutdown()
        }
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(closing))
        // A worker's start is announced by the primary, once every worker listens.
        if (slot !== null) return
      }
      console.log(`\nKeyward is running. Issuer: ${config.issuer}`)
      console.log('Press Ctrl+C to stop.\n')
    })
}

let stopping: Promise<void> | undefined

/** Closes the server once, whichever signal came first (Ctrl+C reaches a worker and its primary), then exits 0. */
function stop(close: () => Promise<void>): Promise<void> {
  stopping ??= close().then(() => process.exit(0))
  return stopping
}

function parseWorkerCount(value: string): number {
  const count = Number(value)
  if (!Number.isInteger(count) || count < 1 || count > 1024) {
    throw new InvalidArgumentError('a whole number of processes, 1 or more.')
  }
  return count
}
