import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import type { Config } from './core/index.ts'
import { createLogger } from './http/logger.ts'
import { listenFailure } from './startup-failure.ts'

// `keyward start --workers N`: N processes (node:cluster) share the port; the primary forks them, restarts one that
// dies and drains them all on SIGTERM/SIGINT. It opens no database itself.

/** The environment variable that tells a worker its slot (1..N); a replacement takes the slot of the one it replaces. */
export const WORKER_SLOT_VARIABLE = 'KEYWARD_WORKER_SLOT'
/** A replacement waits this long after the first crash, twice as long after each further one, at most the max. */
const FIRST_RESTART_DELAY_MS = 100
const MAX_RESTART_DELAY_MS = 5000
/** This many crashes within the window, and the primary stops: a worker that cannot stay up is not retried forever. */
const CRASHES_BEFORE_GIVING_UP = 5
const CRASH_WINDOW_MS = 60_000
/** How long draining workers get before they are killed. */
const DRAIN_TIMEOUT_MS = 10_000

/**
 * Why `count` workers cannot share this configuration, or null when they can. Each worker counts sign-in attempts
 * and remembers one-time values (DPoP proof and client assertion `jti`s) in its own memory unless Redis holds them:
 * N workers would allow N times the wrong passwords and accept a replayed proof on another worker.
 */
export function workersProblem(config: Config, count: number): string | null {
  if (count === 1) return null
  if (config.databaseUrl === 'memory:' || config.databaseUrl === 'sqlite::memory:') {
    return `--workers ${count} needs a database the workers share: ${config.databaseUrl} lives in one process's memory.`
  }
  if (config.redisUrl === undefined) {
    return (
      `--workers ${count} needs Redis (KEYWARD_REDIS_URL): without it each worker would count sign-in attempts ` +
      'and remember used DPoP proofs and client assertions on its own, so throttling would be N times weaker and ' +
      'a replayed proof could pass on another worker. Configure Redis, or run one worker.'
    )
  }
  return null
}

/**
 * Workers when `--workers` is not given: every core on PostgreSQL with Redis; one on SQLite, whose single writer
 * serves one process best (README, "Workers", has the figures), and one without Redis (`workersProblem`).
 */
export function defaultWorkerCount(config: Config): number {
  const postgres = /^postgres(ql)?:\/\//.test(config.databaseUrl)
  return postgres && config.redisUrl !== undefined ? availableParallelism() : 1
}

/** This process's slot when it is a worker of `keyward start --workers`, else null. */
export function workerSlot(): number | null {
  if (!cluster.isWorker) return null
  return Number(process.env[WORKER_SLOT_VARIABLE])
}

/**
 * The primary: serves every worker's metrics on `metricsPort` when set, forks `count` workers (each runs `keyward
 * start` again, `workerSlot()` telling it it is one), passes their output on line by line, and resolves once every
 * worker listens; rejects if one exits first.
 */
export async function startWorkers(config: Config, count: number): Promise<void> {
  const logger = createLogger(config.logLevel)
  // Loaded here, not at the top: a single-process `keyward start` imports this module too, and never needs it.
  const { createInterface } = await import('node:readline')
  // One scrape of metricsPort shows every worker: the primary listens and asks each worker for its figures.
  const { metricsPort, host } = config
  if (metricsPort !== undefined) {
    const { listenMetrics, workersMetrics } = await import('./http/ops/metrics.ts')
    await listenMetrics(workersMetrics(), host, metricsPort).catch((error: unknown) => {
      throw listenFailure(error, 'metricsPort', host, metricsPort)
    })
  }
  // Workers' output comes through the primary, one whole line at a time: lines of several processes never mix.
  cluster.setupPrimary({ silent: true })
  const slots = new Map<Worker, number>()
  const crashes: number[] = []
  let stopping = false

  const fork = (slot: number): Worker => {
    const worker = cluster.fork({ [WORKER_SLOT_VARIABLE]: String(slot) })
    slots.set(worker, slot)
    for (const [from, to] of [
      [worker.process.stdout, process.stdout],
      [worker.process.stderr, process.stderr],
    ] as const) {
      if (from)
        createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`${line}\n`))
    }
    return worker
  }

  const stop = async (code: number): Promise<never> => {
    stopping = true
    const running = [...slots.keys()].filter((worker) => !worker.isDead())
    const drained = Promise.all(running.map((worker) => new Promise((done) => worker.once('exit', done))))
    for (const worker of running) worker.process.kill('SIGTERM')
    let killed = false
    const killer = setTimeout(() => {
      killed = true
      logger.error(`workers still running after ${DRAIN_TIMEOUT_MS} ms: killing them`)
      for (const worker of running) worker.process.kill('SIGKILL')
    }, DRAIN_TIMEOUT_MS)
    await drained
    clearTimeout(killer)
    process.exit(killed ? 1 : code)
  }

  const listening = Promise.all(
    Array.from({ length: count }, (_, index) => {
      const worker = fork(index + 1)
      return new Promise<void>((resolve, reject) => {
        worker.once('listening', () => resolve())
        worker.once('exit', (code, signal) =>
          reject(new Error(`Worker ${index + 1} exited (${signal ?? `code ${code}`}) before it listened.`)),
        )
      })
    }),
  )
  try {
    await listening
  } catch (error) {
    logger.error((error as Error).message)
    return stop(1)
  }

  cluster.on('exit', (worker, code, signal) => {
    const slot = slots.get(worker)
    slots.delete(worker)
    if (stopping || slot === undefined) return
    const now = Date.now()
    crashes.push(now)
    while (crashes.length > 0 && (crashes[0] ?? now) < now - CRASH_WINDOW_MS) crashes.shift()
    const ended = signal ?? `code ${code}`
    if (crashes.length >= CRASHES_BEFORE_GIVING_UP) {
      logger.error(
        { worker: slot, pid: worker.process.pid },
        `worker ${slot} exited (${ended}): ${crashes.length} crashes within ${CRASH_WINDOW_MS / 1000} s, stopping`,
      )
      void stop(1)
      return
    }
    const delay = Math.min(FIRST_RESTART_DELAY_MS * 2 ** (crashes.length - 1), MAX_RESTART_DELAY_MS)
    logger.error(
      { worker: slot, pid: worker.process.pid },
      `worker ${slot} exited (${ended}): starting another in ${delay} ms`,
    )
    setTimeout(() => {
      if (!stopping) fork(slot)
    }, delay)
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0))
}
