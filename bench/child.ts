import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { serverCommand } from './machine.ts'

/** The repository root: servers and the CLI run from here. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** A server under test, running as a child process. */
export interface ChildServer {
  readonly pid: number
  readonly origin: string
  /** Milliseconds from spawning the process to the first 200 from its metadata URL. */
  readonly coldStartMs: number
  /** Resident set size in bytes (VmRSS), or null where /proc is not there. */
  rss(): number | null
  stop(): Promise<void>
}

export interface LaunchSpec {
  /** Arguments to node: a script and its arguments. */
  readonly args: readonly string[]
  readonly env: Readonly<Record<string, string>>
  readonly port: number
  /** Answered with 200 once the server is ready: its discovery metadata. */
  readonly readyPath: string
  readonly pinned: boolean
}

/** Every child still running, so that an interrupted bench leaves none behind. */
const live = new Set<ChildServer>()

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop()))
}

const START_TIMEOUT_MS = 60_000
const POLL_INTERVAL_MS = 2

/** A port nobody listens on now, for a child to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()))
    })
  })
}

function statusOf(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const outgoing = request(url, { agent: false }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? null))
    })
    outgoing.on('error', () => resolve(null))
    outgoing.end()
  })
}

export function rssOf(pid: number): number | null {
  try {
    const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kilobytes === undefined ? null : Number(kilobytes) * 1024
  } catch {
    return null
  }
}

/** Spawns the server and waits for its metadata; the wait is the cold start. Its output is kept for errors. */
export async function launch(spec: LaunchSpec): Promise<ChildServer> {
  const origin = `http://127.0.0.1:${spec.port}`
  const [command, args] = serverCommand(spec.pinned, spec.args)
  const started = performance.now()
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let alive = true
  void exited.then(() => {
    alive = false
  })

  const deadline = started + START_TIMEOUT_MS
  while ((await statusOf(`${origin}${spec.readyPath}`)) !== 200) {
    if (!alive || performance.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${spec.args.join(' ')} did not start (exit code ${child.exitCode}):\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS))
  }
  const coldStartMs = performance.now() - started
  const pid = child.pid ?? 0

  const server: ChildServer = {
    pid,
    origin,
    coldStartMs,
    rss: () => rssOf(pid),
    async stop() {
      live.delete(server)
      if (!alive) return
      // SIGTERM lets Keyward close its stores (and write a CPU profile); SIGKILL if it hangs.
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
  live.add(server)
  return server
}
