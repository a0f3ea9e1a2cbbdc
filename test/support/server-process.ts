import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { freePort } from './server.ts'

const entry = fileURLToPath(new URL('./server-entry.ts', import.meta.url))
/** Starting includes compiling the sources and migrating the database; on a busy machine that takes seconds. */
const startTimeoutMs = 30_000
const stopTimeoutMs = 10_000
/** The tail of what the process printed, kept for failure messages. */
const outputLimit = 64 * 1024

/** A Keyward server in a child process of its own, listening on 127.0.0.1: one node of a deployment. */
export interface ServerProcess {
  /** Its issuer, which is also where it listens. */
  readonly issuer: string
  readonly pid: number
  /** Moves this process's clock by `seconds` (negative: back), as if that much time had passed for it. */
  advanceClock(seconds: number): Promise<void>
  /** The tail of its log (pino JSON lines) and of anything it wrote to stderr. */
  output(): string
  close(): Promise<void>
}

export interface ServerProcessOptions {
  /** How far its clock is off the real time, in seconds (negative: behind). */
  readonly clockOffset?: number
}

/**
 * Starts Keyward (test/support/server-entry.ts) configured by `env` (KEYWARD_DATABASE_URL, KEYWARD_SECRET, ...)
 * on a free port of 127.0.0.1, and resolves once it listens. It stops with `close`, or with the test process.
 */
export async function startServerProcess(
  env: Readonly<Record<string, string>>,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', entry], {
    env: {
      PATH: process.env.PATH ?? '',
      KEYWARD_HOST: '127.0.0.1',
      KEYWARD_PORT: String(port),
      KEYWARD_LOG_LEVEL: 'info',
      KEYWARD_TEST_CLOCK_OFFSET: String(options.clockOffset ?? 0),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-outputLimit)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = once(child, 'exit')
  let started = false
  // Exiting before it listens is a failed start; exiting later is what close() waits for.
  const failed = exited.then(([code, signal]) => {
    if (!started) throw new Error(`it exited (${String(code ?? signal)})`)
  })

  try {
    await listening(child, failed)
    started = true
  } catch (error) {
    child.kill('SIGKILL')
    throw new Error(`The Keyward process did not start: ${(error as Error).message}\n${output}`)
  }
  const pid = child.pid ?? 0
  return {
    issuer: `http://127.0.0.1:${port}`,
    pid,
    async advanceClock(seconds) {
      const answered = reply(child, (message) => message.advanced === seconds)
      child.send({ advance: seconds })
      await answered
    },
    output: () => output,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs)
      await exited
      clearTimeout(timer)
    },
  }
}

type Message = Record<string, unknown>

/** The next IPC message that satisfies `accept`. */
function reply(child: ChildProcess, accept: (message: Message) => boolean): Promise<Message> {
  return new Promise((resolve) => {
    const onMessage = (message: Message) => {
      if (!accept(message)) return
      child.off('message', onMessage)
      resolve(message)
    }
    child.on('message', onMessage)
  })
}

/** Resolves when the process says it listens; rejects if it fails first or takes too long. */
async function listening(child: ChildProcess, failed: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const tooSlow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${startTimeoutMs} ms`)), startTimeoutMs)
  })
  try {
    await Promise.race([reply(child, (message) => typeof message.listening === 'string'), failed, tooSlow])
  } finally {
    clearTimeout(timer)
  }
}
