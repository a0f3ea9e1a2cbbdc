import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { parse as parseYaml } from 'yaml'
import { KNOWN_VARIABLES, loadConfig } from '../../../src/cli/config-source.ts'
import { freePort } from '../../support/ports.ts'
import { dockerfileStages, environmentOf, execForm, named, runBuild, type Stage } from './dockerfile.ts'

const run = promisify(execFile)
const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url))
// Every child is bounded: a hung npm or server fails the test instead of stalling the suite.
const CHILD_TIMEOUT_MS = 120_000

/** What `npm pack --json` says about one tarball. */
interface Packed {
  readonly name: string
  readonly version: string
  readonly filename: string
  readonly integrity: string
  readonly size: number
  readonly entryCount: number
  readonly files: readonly { readonly path: string }[]
}

interface Manifest {
  readonly name: string
  readonly version: string
  readonly license?: string
  readonly engines?: Record<string, string>
  readonly bin?: Record<string, string>
  readonly dependencies?: Record<string, string>
}

/** npm as the test runner was started with it (`npm test`), else the one on PATH. */
function npm(args: readonly string[], cwd: string) {
  const execPath = process.env.npm_execpath
  const [command, argv] = execPath ? [process.execPath, [execPath, ...args]] : ['npm', [...args]]
  return run(command, argv, {
    cwd,
    timeout: CHILD_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  })
}

const manifestOf = async (directory: string): Promise<Manifest> =>
  JSON.parse(await readFile(join(directory, 'package.json'), 'utf8')) as Manifest

/**
 * A lockfile for a project that depends on the two tarballs: each tarball by its integrity, every other package
 * at the version the repository locks. `npm ci` then needs no registry metadata, only the cached tarballs that the
 * repository's own `npm ci` left in npm's cache.
 */
async function lockfileFor(
  packed: readonly { manifest: Manifest; tarball: Packed }[],
): Promise<{ packages: { '': { dependencies: Record<string, string> } } }> {
  const repositoryLock = JSON.parse(await readFile(join(REPOSITORY, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; link?: boolean }>
  }
  const ours = new Set(packed.map(({ manifest }) => `node_modules/${manifest.name}`))
  const dependencies = Object.entries(repositoryLock.packages).filter(
    ([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.link && !ours.has(path),
  )
  const lockfile = {
    name: 'embedder',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': {
        name: 'embedder',
        dependencies: Object.fromEntries(
          packed.map(({ manifest, tarball }) => [manifest.name, `file:${tarball.filename}`]),
        ),
      },
      ...Object.fromEntries(
        packed.map(({ manifest, tarball }) => [
          `node_modules/${manifest.name}`,
          {
            version: manifest.version,
            resolved: `file:${tarball.filename}`,
            integrity: tarball.integrity,
            license: manifest.license,
            dependencies: manifest.dependencies,
            engines: manifest.engines,
            bin: manifest.bin,
          },
        ]),
      ),
      ...Object.fromEntries(dependencies),
    },
  }
  return lockfile
}

/** An API server's view of a Keyward it embeds: ES modules that import only the two installed packages. */
const EMBEDDER = `
import { loadConfig, openStores, startServer } from 'keyward'
import { createVerifier, verifyAccessToken } from '@keyward/resource-server'

const config = loadConfig(process.env)
const stores = await openStores(config.databaseUrl)
const clients = await stores.clients.list().finally(() => stores.close())
const server = await startServer(config)
try {
  const basic = Buffer.from(\`\${process.env.CLIENT_ID}:\${process.env.CLIENT_SECRET}\`).toString('base64')
  const response = await fetch(\`\${config.issuer}/token\`, {
    method: 'POST',
    headers: { authorization: \`Basic \${basic}\` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }),
  })
  const { access_token } = await response.json()
  const verifier = createVerifier({ issuer: config.issuer, audience: config.issuer })
  const token = await verifyAccessToken(access_token, verifier, ['read'])
  console.log(JSON.stringify({ clients: clients.map((client) => client.id), token }))
} finally {
  await server.close()
}
`

/**
 * The same embedder in TypeScript, type-checked against the packages' declarations. The check skips .d.ts files
 * (checking Node's and Fastify's own takes four times as long), where an unresolved import would silently type
 * its values as anything: each `@ts-expect-error` below is an error only while the type it probes resolved.
 */
const TYPED_EMBEDDER = `
import { type Config, ConfigError, loadConfig, openStores, parseConfig, startServer } from 'keyward'
import { createVerifier, verifyAccessToken } from '@keyward/resource-server'

export async function embed(): Promise<readonly string[]> {
  const config: Config = loadConfig({ KEYWARD_PORT: '9100' })
  // @ts-expect-error: a port is a number (zod's types)
  config.port satisfies string
  const stores = await openStores(config.databaseUrl)
  // @ts-expect-error: the client store has no such method (Keyward's ports)
  await stores.clients.noSuchMethod()
  await stores.close()
  const server = await startServer(parseConfig({ ...config, port: config.port + 1 }), {
    extend: (app) => app.get('/hello', async () => 'hello'),
  })
  // @ts-expect-error: a Fastify app has no such method (Fastify's types)
  server.app.noSuchMethod()
  await server.close()
  if (!(new ConfigError(['x']) instanceof Error)) throw new Error('unreachable')
  const token = await verifyAccessToken('token', createVerifier({ issuer: config.issuer, audience: config.issuer }))
  // @ts-expect-error: scopes are a list (the resource server's types)
  token.scopes satisfies string
  return token.scopes
}
`

describe('keyward and @keyward/resource-server, packed and installed into a fresh project', () => {
  let project: string
  let keyward: Packed
  let resourceServer: Packed

  before(async () => {
    project = await mkdtemp(join(tmpdir(), 'keyward-pack-'))
    // One npm run packs both: each package's prepack builds it first.
    const { stdout } = await npm(
      [
        'pack',
        '--json',
        '--pack-destination',
        project,
        '--workspace',
        'packages/resource-server',
        '--include-workspace-root',
      ],
      REPOSITORY,
    )
    const tarballs = JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1)) as Packed[]
    const byName = (name: string) => {
      const tarball = tarballs.find((entry) => entry.name === name)
      assert.ok(tarball, `npm pack made no tarball for ${name}: ${stdout}`)
      return tarball
    }
    keyward = byName('keyward')
    resourceServer = byName('@keyward/resource-server')

    const packed = [
      { manifest: await manifestOf(REPOSITORY), tarball: keyward },
      { manifest: await manifestOf(join(REPOSITORY, 'packages/resource-server')), tarball: resourceServer },
    ]
    const lockfile = await lockfileFor(packed)
    const { dependencies } = lockfile.packages['']
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'embedder', type: 'module', dependencies }),
    )
    await writeFile(join(project, 'package-lock.json'), JSON.stringify(lockfile, null, 2))
    // The locked versions are in npm's cache since the repository's own install: the registry is asked only if not.
    await npm(['ci', '--prefer-offline', '--no-audit', '--no-fund'], project)
  })

  after(async () => {
    if (project !== undefined) await rm(project, { recursive: true, force: true })
  })

  test('the tarballs hold built JavaScript with declarations: no TypeScript sources, tests or examples', () => {
    for (const tarball of [keyward, resourceServer]) {
      const paths = tarball.files.map((file) => file.path)
      const sources = paths.filter((path) => /\.[cm]?ts$/.test(path) && !/\.d\.[cm]?ts$/.test(path))
      assert.deepEqual(sources, [], `${tarball.name} ships TypeScript sources`)
      const unwanted = paths.filter((path) =>
        /(^|\/)(test|tests|bench|examples|scripts)\/|\.test\.|\.map$/.test(path),
      )
      assert.deepEqual(unwanted, [], `${tarball.name} ships what does not run`)
    }
    const keywardPaths = keyward.files.map((file) => file.path)
    for (const path of ['bin/keyward.js', 'dist/main.js', 'dist/index.js', 'dist/types/index.d.ts']) {
      assert.ok(keywardPaths.includes(path), `keyward ships ${path}`)
    }
    const resourceServerPaths = resourceServer.files.map((file) => file.path)
    for (const path of ['dist/index.js', 'dist/index.d.ts', 'README.md']) {
      assert.ok(resourceServerPaths.includes(path), `@keyward/resource-server ships ${path}`)
    }
  })

  test('an API verifies a token from a Keyward started through the installed package; the bin made its client', async () => {
    const port = await freePort()
    const env = {
      ...process.env,
      KEYWARD_DATA_DIR: join(project, 'data'),
      KEYWARD_PORT: String(port),
      KEYWARD_LOG_LEVEL: 'silent',
    }
    // The bin npm linked, run by the Node that runs this test.
    const created = await run(
      process.execPath,
      [
        join(project, 'node_modules/.bin/keyward'),
        'clients',
        'create',
        '--kind',
        'service',
        '--name',
        'Packed',
        '--scopes',
        'read',
        '--json',
      ],
      { cwd: project, env, timeout: CHILD_TIMEOUT_MS },
    )
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string }

    await writeFile(join(project, 'embedder.js'), EMBEDDER)
    const { stdout } = await run(process.execPath, ['embedder.js'], {
      cwd: project,
      env: { ...env, CLIENT_ID: client.client_id, CLIENT_SECRET: client.client_secret },
      timeout: CHILD_TIMEOUT_MS,
    })
    const result = JSON.parse(stdout) as {
      clients: string[]
      token: { subject: string; clientId: string; scopes: string[] }
    }
    assert.deepEqual(result.clients, [client.client_id])
    assert.equal(result.token.clientId, client.client_id)
    assert.equal(result.token.subject, client.client_id)
    assert.deepEqual(result.token.scopes, ['read'])
  })

  test('the declarations type-check an embedder written in TypeScript', async () => {
    await writeFile(join(project, 'embedder-typed.ts'), TYPED_EMBEDDER)
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2024',
          strict: true,
          noEmit: true,
          // Node's types as an embedder has them.
          typeRoots: [join(REPOSITORY, 'node_modules/@types')],
          types: ['node'],
          skipLibCheck: true,
        },
        files: ['embedder-typed.ts'],
      }),
    )
    const tsc = join(REPOSITORY, 'node_modules/typescript/bin/tsc')
    const checked = await run(process.execPath, [tsc, '-p', project], {
      cwd: project,
      timeout: CHILD_TIMEOUT_MS,
    }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    )
    assert.equal(checked, '', 'tsc finds no error')
  })
})

// In this file, after the tests above, because both pack the repository: `npm pack` builds dist/ first, and two
// builds at once (test files run in parallel) would write over each other.
describe('the Dockerfile: its build and start are steps this test runs (no Docker here)', () => {
  const places = (root: string) => ({
    buildTmp: join(root, 'build-tmp'),
    tmp: join(root, 'tmp'),
    app: join(root, 'app'),
    data: join(root, 'data'),
  })
  let root: string
  let stages: Stage[]
  let image: Stage
  let environment: Record<string, string>

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'keyward-image-'))
    stages = await dockerfileStages(join(REPOSITORY, 'Dockerfile'))
    image = stages.at(-1)!
    environment = environmentOf(image)
  })
  after(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  test('Node 24 (the major npm scripts run on), a non-root user, the bin as package.json names it', async () => {
    const manifest = JSON.parse(await readFile(join(REPOSITORY, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>
      bin: Record<string, string>
    }
    const pinned = /(\d+)\./.exec(manifest.devDependencies.node ?? '')?.[1]
    assert.equal(pinned, '24')
    for (const { from } of stages) assert.match(from, new RegExp(`^node:${pinned}-slim( AS \\w+)?$`))

    const order = image.instructions.map((instruction) => instruction.keyword)
    const users = named(image, 'USER')
    assert.equal(users.length, 1, 'one USER, set once')
    assert.ok(!['root', '0'].includes(users[0]!.split(':')[0]!), `runs as ${users[0]}, not root`)
    assert.ok(order.indexOf('USER') < order.indexOf('CMD'), 'the user is set before the command')
    assert.ok(order.lastIndexOf('RUN') < order.indexOf('USER'), 'nothing runs as root after it')
    const [chown] = named(image, 'RUN').flatMap((args) => /chown (\S+?):\S* \/data/.exec(args)?.[1] ?? [])
    assert.equal(chown, users[0], 'the data directory belongs to that user')

    const shebang = (await readFile(join(REPOSITORY, manifest.bin.keyward!), 'utf8')).split('\n')[0]!
    const flags = shebang
      .replace(/^#!\/usr\/bin\/env -S node ?/, '')
      .split(' ')
      .filter(Boolean)
    const [cmd] = named(image, 'CMD')
    assert.deepEqual(execForm(cmd!), ['node', ...flags, manifest.bin.keyward, 'start'])

    assert.deepEqual(named(image, 'EXPOSE'), [environment.KEYWARD_PORT])
    assert.deepEqual(named(image, 'VOLUME'), [environment.KEYWARD_DATA_DIR])
    for (const name of Object.keys(environment).filter((each) => each.startsWith('KEYWARD_'))) {
      assert.ok(KNOWN_VARIABLES.includes(name), `${name} is a variable Keyward reads`)
    }
  })

  test('built as the image builds, it starts and its HEALTHCHECK passes; stopped, the check fails', async (t) => {
    const where = places(root)
    const report = await runBuild(stages, REPOSITORY, where, npm)
    const added = /added \d+ packages/.exec(report.installOutput)?.[0]
    assert.ok(added, report.installOutput)
    const size = (await run('du', ['-sh', 'node_modules'], { cwd: where.app })).stdout.split('\t')[0]
    t.diagnostic(`the image's npm ci --omit=dev: ${added}, node_modules ${size}`)
    const [healthcheck] = named(image, 'HEALTHCHECK')
    const probe = execForm(healthcheck!)
    assert.equal(probe[0], 'node')
    assert.match(probe.join(' '), /\/health\b/, 'the container is alive when /health answers')
    const port = String(await freePort())
    const env = {
      PATH: process.env.PATH,
      ...environment,
      KEYWARD_PORT: port,
      KEYWARD_DATA_DIR: where.data,
      KEYWARD_LOG_LEVEL: 'warn',
    }
    const check = () =>
      run(process.execPath, probe.slice(1), { env: { KEYWARD_PORT: port }, timeout: 5000 }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      )

    const [, ...command] = execForm(named(image, 'CMD')[0]!)
    const server = spawn(process.execPath, command, {
      cwd: where.app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = once(server, 'exit')
    try {
      // The HEALTHCHECK's own start period bounds the wait.
      const startPeriod = Number(/--start-period=(\d+)s/.exec(healthcheck!)?.[1] ?? 0) * 1000
      let status = -1
      for (const deadline = Date.now() + startPeriod; status !== 0 && Date.now() < deadline;) {
        status = await check()
        if (status !== 0) await sleep(250)
      }
      assert.equal(status, 0, `the health check passes once started: ${output}`)
      // What the compose example's proxy asks before it sends a node traffic.
      assert.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 200)
    } finally {
      server.kill('SIGTERM')
      await exited
    }
    assert.notEqual(await check(), 0, 'the check fails when nothing answers')
    for (const step of report.skipped) t.diagnostic(`not run here: ${step}`)
  })

  test('the compose example runs that image with a valid configuration behind a proxy it trusts', async () => {
    const deploy = join(REPOSITORY, 'examples/deploy')
    const compose = parseYaml(await readFile(join(deploy, 'compose.yaml'), 'utf8')) as {
      services: Record<
        string,
        {
          build?: string
          environment?: Record<string, string>
          networks?: Record<string, { ipv4_address?: string }> | string[]
        }
      >
    }
    const nodes = Object.entries(compose.services).filter(([, service]) => service.build !== undefined)
    assert.deepEqual(
      nodes.map(([name]) => name),
      ['keyward-1', 'keyward-2'],
    )
    const examples = Object.fromEntries(
      (await readFile(join(deploy, 'env.example'), 'utf8'))
        .split('\n')
        .filter((line) => /^\w+=/.test(line))
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    )
    const interpolated = (value: string) =>
      value.replace(/\$\{(\w+)(:-([^}]*))?\}/g, (_, name: string, _default, fallback?: string) => {
        const given = examples[name] ?? fallback
        assert.ok(given !== undefined, `${name} is in env.example or has a default`)
        return given
      })
    const caddyfile = await readFile(join(deploy, 'Caddyfile'), 'utf8')
    const caddy = compose.services.caddy?.networks as Record<string, { ipv4_address?: string }>
    const proxyAddress = Object.values(caddy)[0]?.ipv4_address
    for (const [name, service] of nodes) {
      assert.equal(
        join(deploy, service.build!, 'Dockerfile'),
        join(REPOSITORY, 'Dockerfile'),
        `${name} is built from the repository's Dockerfile`,
      )
      const env = Object.fromEntries(
        Object.entries({ ...environment, ...examples, ...service.environment }).map(([key, value]) => [
          key,
          interpolated(String(value)),
        ]),
      )
      for (const variable of Object.keys(service.environment ?? {}))
        assert.ok(KNOWN_VARIABLES.includes(variable), `${variable} is a variable Keyward reads`)
      const config = loadConfig(env)
      assert.equal(config.issuer, `https://${examples.KEYWARD_DOMAIN}`)
      assert.equal(env.KEYWARD_TRUST_PROXY, proxyAddress, 'Keyward trusts the proxy, and only it')
      assert.match(caddyfile, new RegExp(`\\b${name}:${config.port}\\b`), `Caddy sends ${name} traffic`)
    }
    assert.match(caddyfile, /health_uri \/ready\n/, 'Caddy asks /ready before it sends a node traffic')
  })
})
