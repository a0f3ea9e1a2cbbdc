// `npm start`: Keyward on the embedded SQLite default with a demo user, one client per example and the example
// apps, all in this process. Keyward is started through its package API (src/index.ts), as an embedder would.
import { dataDirectory, loadNamedConfig } from '../../src/cli/config-source.ts'
import { renderDemoHome } from '../../src/http/views/demo-home.ts'
import { ConfigError, loadConfig, StartupFailure, startServer } from '../../src/index.ts'
import { type DemoApps, startDemoApps } from './apps.ts'
import { DEMO_PORT_VARIABLES, demoPorts } from './ports.ts'
import { provisionDemo, provisionMcpResource } from './provision.ts'
import { DEMO_ENVIRONMENT, DEMO_USER, withMcpScopes } from './settings.ts'

/** Starts Keyward and the example apps; resolves to what stops them all. */
async function startDemo(env: NodeJS.ProcessEnv): Promise<() => Promise<void>> {
  const config = withMcpScopes(loadConfig({ ...DEMO_ENVIRONMENT, ...env }))
  const ports = demoPorts(env, config.port)
  const dataDir = dataDirectory(env)
  let apps: DemoApps | null = null
  const server = await startServer(config, {
    extend: (app) => {
      app.get('/', (_request, reply) =>
        reply.type('text/html; charset=utf-8').send(
          renderDemoHome({
            issuer: config.issuer,
            examples: apps?.examples ?? [],
            username: DEMO_USER.username,
            password: DEMO_USER.password,
          }),
        ),
      )
    },
  })
  try {
    // Through the running server's core, so the clients' creation events land in its log like any other.
    const clients = await provisionDemo(server.core, dataDir, ports)
    await provisionMcpResource(server.core, ports)
    apps = await startDemoApps(config, clients, dataDir, ports)
  } catch (error) {
    // Without its example apps the demo is not what was asked for: stop rather than run half of it.
    await server.close()
    throw error
  }

  console.log(`\nKeyward is running. Issuer: ${config.issuer}`)
  console.log(`\nDemo: open ${config.issuer}/ in a browser and pick an example, or go straight to one`)
  console.log('(the commands run in a second terminal):')
  for (const example of apps.examples) {
    console.log(`  ${example.legacy === undefined ? '' : 'LEGACY '}${example.title}: ${example.url}`)
  }
  console.log(`Sign in as "${DEMO_USER.username}" with password "${DEMO_USER.password}".`)
  console.log('Press Ctrl+C to stop.\n')
  const running = apps
  return async () => {
    await running.close()
    await server.close()
  }
}

/** Mistakes the user can fix are printed plainly; anything else is a bug and keeps its stack. */
function explain(error: unknown): string {
  if (error instanceof ConfigError) return error.message
  // Keyward's own port says so as a StartupFailure; an example app's as Node's error.
  const failed = error instanceof StartupFailure ? error.cause : error
  const { code, address, port } = failed as NodeJS.ErrnoException & { address?: string; port?: number }
  if (code === 'EADDRINUSE') {
    return (
      `${address}:${port} is already in use. Stop what uses it, or pick other ports: KEYWARD_PORT moves ` +
      `Keyward and the example apps on the five ports after it; ${DEMO_PORT_VARIABLES.join(', ')} move one app each.`
    )
  }
  // Named as the person set them: loading again is safe, it succeeded before the failure.
  if (error instanceof StartupFailure) return error.explain(loadNamedConfig(process.env).nameOf)
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

try {
  const stop = await startDemo(process.env)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop().then(() => process.exit(0)))
  }
} catch (error) {
  console.error(explain(error))
  process.exitCode = 1
}
