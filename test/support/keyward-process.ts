import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './ports.ts'

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url))
const CLOCKED_ENTRY = fileURLToPath(new URL('./server-entry.ts', import.meta.url))
/** What `keyward start`, the demo and the clocked entry all print once they listen. */
const STARTED = /Keyward is running/
/** Starting includes compiling the sources and migrating the database; on a busy machine that takes seconds. */
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000

/** Keyward in a child process: a crash is seen as an exit, not as the end of the test runner. */
export interface KeywardProcess {
  /** Its issuer, which is also where it listens (127.0.0.1). */
  readonly issuer: string
  readonly port: number
  /** Everything it printed so far (pino's JSON lines and the CLI's messages). */
  output(): string
  /** How it ended (`exit 1`, `signal SIGKILL`), or null while it runs. */
  ended(): string | null
  /** SIGTERM, then SIGKILL if that has not stopped it after a while; removes its data directory. */
  close(): Promise<void>
}

/** A process on test/support/server-entry.ts, whose clock the test moves instead of sleeping. */
export interface ClockedKeywardProcess extends KeywardProcess {
  /** Moves this process's clock by `seconds` (negative: back), as if that much time had passed for it. */
  advanceClock(seconds: number): Promise<void>
}

export interface KeywardProcessOptions {
  /** Node's arguments, run in the repository: `bin/keyward.js start` unless told otherwise. */
  readonly args?: readonly string[]
  /** Where it listens; a port the OS picked unless told. */
  readonly port?: number
}

/**
 * Starts Keyward with `env` on top of a clean environment (no KEYWARD_* or DEMO_* from the shell) and its own
 * data directory, and resolves once it says it is running; rejects with its output if it exits first.
 */
export async function startKeywardProcess(
  env: Readonly<Record<string, string>>,
  options: KeywardProcessOptions = {},
): Promise<KeywardProcess> {
  return spawnKeyward(env, options)
}

const MODULE_LOG_HOOK = new URL('./module-log.ts', import.meta.url).href

/**
 * `keyward start` run by the CLI module at `mainUrl` (the sources' or a bundle's), with every module it loads
 * written to `log` (test/support/module-log.ts).
 */
export async function startLoggingModules(
  env: Readonly<Record<string, string>>,
  mainUrl: string,
  log: string,
): Promise<KeywardProcess> {
  return spawnKeyward(
    { ...env, KEYWARD_LOG_LEVEL: 'silent', MODULE_LOG: log },
    {
      args: [
        '--import',
        MODULE_LOG_HOOK,
        '--input-type=module',
        '-e',
        `const { main } = await import(${JSON.stringify(mainUrl)})
         process.exitCode = await main(['start'], process.env)`,
      ],
    },
  )
}

/** `startKeywardProcess` on the test entry, its clock `clockOffset` seconds off the real time (negative: behind). */
export async function startClockedKeywardProcess(
  env: Readonly<Record<string, string>>,
  clockOffset = 0,
): Promise<ClockedKeywardProcess> {
  const started = await spawnKeyward(
    { KEYWARD_TEST_CLOCK_OFFSET: String(clockOffset), ...env },
    { args: ['--disable-warning=ExperimentalWarning', CLOCKED_ENTRY] },
  )
  const { child } = started
  return {
    ...started,
    async advanceClock(seconds) {
      const answered = new Promise<void>((resolve) => {
        const onMessage = (message: { advanced?: unknown }) => {
          if (message.advanced !== seconds) return
          child.off('message', onMessage)
          resolve()
        }
        child.on('message', onMessage)
      })
      child.send({ advance: seconds })
      await answered
    },
  }
}

/**
 * This process's environment without what would configure Keyward, the demo or tracing: KEYWARD_*, DEMO_* and
 * OpenTelemetry's OTEL_*.
 */
export function shellEnvironment(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(?:KEYWARD|DEMO|OTEL)_/.test(name)),
  )
}

async function spawnKeyward(
  env: Readonly<Record<string, string>>,
  options: KeywardProcessOptions,
): Promise<KeywardProcess & { child: ChildProcess }> {
  const port = options.port ?? (await freePort())
  const dataDir = await mkdtemp(join(tmpdir(), 'keyward-process-'))
  // process.execPath: the Node 24 that npx resolved for the test run, without the npx wrapper.
  const child = spawn(process.execPath, options.args ?? ['bin/keyward.js', 'start'], {
    cwd: REPOSITORY,
    env: {
      ...shellEnvironment(),
      KEYWARD_DATA_DIR: dataDir,
      KEYWARD_HOST: '127.0.0.1',
      KEYWARD_PORT: String(port),
      KEYWARD_LOG_LEVEL: 'info',
      ...env,
    },
    // The IPC channel lets the clocked entry take clock moves, and stop when the test runner is gone.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  let output = ''
  let ended: string | null = null
  const exited = once(child, 'exit')
  child.once('exit', (code, signal) => (ended = code === null ? `signal ${signal}` : `exit ${code}`))
  const started = new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      if (STARTED.test(output)) resolve()
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.once('exit', () => reject(new Error(`Keyward ${ended} before it ran:\n${output}`)))
  })
  const close = async () => {
    if (ended === null) {
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
      child.kill('SIGTERM')
      await exited
      clearTimeout(killer)
    }
    await rm(dataDir, { recursive: true, force: true })
  }
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      started,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Keyward did not run in ${START_TIMEOUT_MS} ms:\n${output}`)),
          START_TIMEOUT_MS,
        )
      }),
    ])
  } catch (error) {
    await close()
    throw error
  } finally {
    clearTimeout(timer)
  }
  return {
    child,
    issuer: `http://127.0.0.1:${port}`,
    port,
    output: () => output,
    ended: () => ended,
    close,
  }
}
