import { execFile, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { HttpRequest } from '../http.ts'
import type { Sample } from './sample.ts'

const run = promisify(execFile)

/** wrk is used for repeated requests when it is on PATH: it costs the load core less than autocannon. */
export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['-v'], { stdio: 'ignore' }).error === undefined
}

const MARK = 'BENCH-RESULT '

/** A wrk script that sends `request` and prints the summary as JSON after MARK. */
function script(request: HttpRequest): string {
  // JSON string literals of ASCII text are valid Lua string literals.
  const quote = (value: string) => JSON.stringify(value)
  return [
    `wrk.method = ${quote(request.method)}`,
    `wrk.path = ${quote(request.path)}`,
    ...(request.body === undefined ? [] : [`wrk.body = ${quote(request.body)}`]),
    ...Object.entries(request.headers).map(
      ([name, value]) => `wrk.headers[${quote(name)}] = ${quote(value)}`,
    ),
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format("${MARK}{\\"requests\\":%d,\\"microseconds\\":%d,\\"errors\\":%d,\\"p50\\":%f,\\"p99\\":%f}\\n",`,
    '    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,',
    '    latency:percentile(50), latency:percentile(99)))',
    'end',
  ].join('\n')
}

/** One round of the same request with wrk, one thread, in a child that inherits the load core. */
export async function wrkRound(
  origin: string,
  request: HttpRequest,
  options: { readonly connections: number; readonly seconds: number },
): Promise<Sample> {
  const directory = await mkdtemp(join(tmpdir(), 'keyward-bench-wrk-'))
  try {
    const file = join(directory, 'request.lua')
    await writeFile(file, script(request))
    const { stdout } = await run('wrk', [
      '-t1',
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      '--timeout',
      '30s',
      '-s',
      file,
      origin,
    ])
    const line = stdout.split('\n').find((entry) => entry.startsWith(MARK))
    if (line === undefined) throw new Error(`wrk printed no result:\n${stdout}`)
    const result = JSON.parse(line.slice(MARK.length)) as {
      requests: number
      microseconds: number
      errors: number
      p50: number
      p99: number
    }
    const seconds = result.microseconds / 1e6
    return {
      rate: result.requests / seconds,
      p50Ms: result.p50 / 1000,
      p99Ms: result.p99 / 1000,
      errors: result.errors,
      completed: result.requests,
      seconds,
    }
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}
