// `npm test`'s pretest: makes sure what the tests use is there, so that the README's two commands are the whole
// set-up. Chromium (the browser tests) is installed from Debian when it is missing and this may (root with
// apt-get); PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are started when installed but down. It says in
// one line what it did, or what the person must do; it never fails the run itself: the tests that need a missing
// service fail (never skip) with their own message.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const CHROMIUM = '/usr/bin/chromium'
/** How long a service that was just started may take to accept connections. */
const START_WAIT_MS = 30_000

const root = process.getuid?.() === 0

/** Whether something accepts TCP connections at 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })
}

async function becomesReachable(port: number): Promise<boolean> {
  for (let waited = 0; waited < START_WAIT_MS; waited += 250) {
    if (await listening(port)) return true
    await sleep(250)
  }
  return false
}

/** Whether `command` is on the PATH. */
const installed = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0

/** Runs a command to its end; its output is shown only when it fails. */
function run(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (result.status !== 0)
    process.stderr.write(`${command} ${args.join(' ')}: ${result.stderr || result.error}\n`)
  return result.status === 0
}

/** One clause for the summary line: what was done, or what the person must do. */
type Outcome = { readonly done?: string; readonly todo?: string }

function chromium(): Outcome {
  if (existsSync(CHROMIUM)) return {}
  if (root && installed('apt-get')) {
    if (run('apt-get', ['update', '-qq']) && run('apt-get', ['install', '-y', '-qq', 'chromium'])) {
      return { done: "installed Debian's Chromium" }
    }
    return { todo: 'install Chromium (apt-get install -y chromium failed, above)' }
  }
  return { todo: `install Chromium at ${CHROMIUM} (sudo apt-get install -y chromium)` }
}

async function postgres(): Promise<Outcome> {
  if (await listening(5432)) return {}
  const clusters = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : []
  const version = clusters[0]
  if (version !== undefined && root && installed('pg_ctlcluster')) {
    // The container CI runs in has no systemd: start the cluster directly.
    if (
      run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']) &&
      (await becomesReachable(5432))
    ) {
      return { done: `started PostgreSQL ${version}` }
    }
  }
  return {
    todo: 'start PostgreSQL on 127.0.0.1:5432 with user postgres and trust authentication (CONTRIBUTING.md)',
  }
}

async function redis(): Promise<Outcome> {
  if (await listening(6379)) return {}
  if (installed('redis-server')) {
    // Attempt counts only: nothing to save. Its files go where this user may write.
    const directory = root ? '/var/lib/redis' : join(tmpdir(), 'keyward-test-redis')
    mkdirSync(directory, { recursive: true })
    const started = run('redis-server', [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '-::1',
      '--port',
      '6379',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      directory,
      '--logfile',
      join(directory, 'keyward-test.log'),
    ])
    if (started && (await becomesReachable(6379))) return { done: 'started Redis' }
  }
  return { todo: 'start Redis on 127.0.0.1:6379 (apt-get install -y redis-server)' }
}

const outcomes = [chromium(), await postgres(), await redis()]
const done = outcomes.flatMap((outcome) => (outcome.done ? [outcome.done] : []))
const todo = outcomes.flatMap((outcome) => (outcome.todo ? [outcome.todo] : []))
process.stdout.write(
  todo.length > 0
    ? `test services: ${[...done, ...todo.map((each) => `you must ${each}`)].join('; ')}; the tests that need it fail until then\n`
    : `test services: ${done.length > 0 ? done.join(', ') : 'Chromium, PostgreSQL and Redis are ready'}\n`,
)
