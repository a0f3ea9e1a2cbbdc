import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { freePort } from './server.ts'

const REPOSITORY = new URL('../../', import.meta.url)
const STARTED = /Keyward is running/

/** `keyward start` in a child process: a crash is seen as an exit, not as the end of the test runner. */
export interface KeywardProcess {
  readonly issuer: string
  /** Everything it printed so far (pino's JSON lines and the CLI's messages). */
  output(): string
  /** How it ended (`exit 1`, `signal SIGKILL`), or null while it runs. */
  ended(): string | null
  /** SIGTERM, then SIGKILL if that has not stopped it after a while; removes its data directory. */
  stop(): Promise<void>
}

/** Starts `keyward start` with `env` on top of a clean environment (no KEYWARD_* from the shell). */
export async function startKeywardProcess(env: Readonly<Record<string, string>>): Promise<KeywardProcess> {
  const port = await freePort()
  const dataDir = await mkdtemp(join(tmpdir(), 'keyward-process-'))
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARD_')),
  )
  // `npx node bin/keyward.js`, minus the npx wrapper: the Node 24 that npx resolved for the test run.
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    ['bin/keyward.js', 'start'],
    {
      cwd: REPOSITORY,
      env: { ...clean, KEYWARD_DATA_DIR: dataDir, KEYWARD_PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  let ended: string | null = null
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = once(child, 'exit')
  child.once('exit', (code, signal) => (ended = code === null ? `signal ${signal}` : `exit ${code}`))

  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (STARTED.test(output)) resolve()
    }
    child.stdout.on('data', check)
    child.once('exit', () => reject(new Error(`keyward start ${ended}:\n${output}`)))
  })

  return {
    issuer: `http://127.0.0.1:${port}`,
    output: () => output,
    ended: () => ended,
    async stop() {
      if (ended === null) {
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        child.kill('SIGTERM')
        await exited
        clearTimeout(killer)
      }
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
