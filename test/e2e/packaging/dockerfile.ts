// The Dockerfile read as data, and its build run without Docker: CI has no Docker daemon, so the image is never
// built here, and this is how its steps stay ones a test runs. Each RUN command must be one this file knows how
// to run or why it skips: a new step fails the test until it is mirrored here.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface Instruction {
  /** FROM, RUN, COPY, ENV, ... in capitals. */
  readonly keyword: string
  readonly args: string
}

export interface Stage {
  readonly from: string
  readonly instructions: readonly Instruction[]
}

/** The Dockerfile's stages: its lines joined where they continue, comments dropped. */
export async function dockerfileStages(path: string): Promise<Stage[]> {
  const text = (await readFile(path, 'utf8')).replace(/\\\n/g, ' ')
  const stages: { from: string; instructions: Instruction[] }[] = []
  for (const line of text.split('\n').map((each) => each.trim())) {
    if (line === '' || line.startsWith('#')) continue
    const [keyword = '', args = ''] = line.split(/\s+(.*)/s)
    const instruction = { keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ').trim() }
    if (instruction.keyword === 'FROM') stages.push({ from: instruction.args, instructions: [] })
    else stages.at(-1)?.instructions.push(instruction)
  }
  return stages
}

/** The instructions of a stage with this keyword. */
export const named = (stage: Stage, keyword: string) =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword).map(({ args }) => args)

/** ENV's `NAME=value` pairs, over every ENV instruction of the stage. */
export function environmentOf(stage: Stage): Record<string, string> {
  return Object.fromEntries(
    named(stage, 'ENV').flatMap((args) =>
      args.split(' ').map((pair) => pair.split(/=(.*)/s).slice(0, 2) as [string, string]),
    ),
  )
}

/** An exec-form instruction's argv (`CMD ["node", ...]`), after any options (`--interval=10s`). */
export function execForm(args: string): string[] {
  const argv = JSON.parse(args.slice(args.indexOf('['))) as unknown
  assert.ok(Array.isArray(argv), `exec form: ${args}`)
  return argv as string[]
}

/** Where the build's absolute paths are, on this machine. */
export interface BuildPlaces {
  /** The build stage's /tmp, where `npm pack` writes. */
  readonly buildTmp: string
  /** The final stage's /tmp, /app and the data directory. */
  readonly tmp: string
  readonly app: string
  readonly data: string
}

/** What running the build did: the commands it left to the image only, each with why. */
export interface BuildReport {
  readonly skipped: readonly string[]
  readonly installOutput: string
}

/**
 * Runs both stages' steps as the image build would, in `places` instead of the container's directories: stage 1
 * packs the repository (its `npm ci` is the one this checkout was installed with, which must be .ci/run's), stage
 * 2 copies the package and lockfile and runs its RUN commands. `npm` runs npm as the test does.
 */
export async function runBuild(
  stages: readonly Stage[],
  repository: string,
  places: BuildPlaces,
  npm: (args: readonly string[], cwd: string) => Promise<{ stdout: string }>,
): Promise<BuildReport> {
  const [build, image] = stages
  assert.ok(build && image && stages.length === 2, 'two stages: build, then the image')
  const ciScript = await readFile(join(repository, '.ci/run'), 'utf8')
  const skipped: string[] = []
  let installOutput = ''
  const commands = (stage: Stage) =>
    named(stage, 'RUN').flatMap((args) => args.split('&&').map((command) => command.trim()))

  assert.deepEqual(named(build, 'WORKDIR'), ['/src'])
  assert.deepEqual(named(build, 'COPY'), ['. .'], 'the build stage starts from the repository')
  const onBuild = (path: string) => path.replace(/^\/tmp(?=\/|$)/, places.buildTmp)
  for (const command of commands(build)) {
    const [program, ...args] = command.split(' ')
    if (command.startsWith('npm ci ')) {
      assert.ok(ciScript.includes(`\n${command}\n`), `.ci/run installs with the same \`${command}\``)
      skipped.push(`${command}: this checkout was installed by it (.ci/run)`)
    } else if (command.startsWith('npm pack ')) {
      await mkdir(places.buildTmp, { recursive: true })
      await npm(args.map(onBuild), repository)
    } else assert.fail(`the build stage runs \`${program} ...\`, which this test does not mirror: ${command}`)
  }

  assert.deepEqual(named(image, 'WORKDIR'), ['/app'])
  await mkdir(places.tmp, { recursive: true })
  await mkdir(places.app, { recursive: true })
  const inImage = (text: string) =>
    text
      .replace(/(^|\s)\/tmp(?=\/|\s|$)/g, `$1${places.tmp}`)
      .replace(/(^|\s)\/data(?=\s|$)/g, `$1${places.data}`)
  for (const copy of named(image, 'COPY')) {
    const [from, source, destination] = copy.split(' ')
    assert.equal(from, '--from=build', `the image copies from the build stage only: COPY ${copy}`)
    const sourcePath = source?.startsWith('/src/')
      ? join(repository, source.slice('/src/'.length))
      : onBuild(source ?? '')
    await run('sh', ['-c', `cp ${sourcePath} ${inImage(destination ?? '')}`])
  }
  for (const command of commands(image)) {
    if (command.startsWith('npm ci ')) {
      installOutput = (await npm(command.split(' ').slice(1), places.app)).stdout
    } else if (command === 'npm cache clean --force') {
      skipped.push(
        `${command}: it would empty this machine's npm cache; in the image it only makes a layer smaller`,
      )
    } else if (/^chown \S+ \/data$/.test(command)) {
      skipped.push(`${command}: the data directory here is the test's own`)
    } else if (/^(tar|mv|rm|mkdir) /.test(command)) {
      await run('sh', ['-c', inImage(command)], { cwd: places.app })
    } else assert.fail(`the image runs \`${command}\`, which this test does not mirror`)
  }
  return { skipped, installOutput }
}
