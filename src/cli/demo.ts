import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startApi } from '../../examples/api/app.ts'
import { startWebApp, type WebApp } from '../../examples/web-app/app.ts'
import { registerClient } from '../core/client-registration.ts'
import { type Config, defaultAudience } from '../core/config.ts'
import type { CoreContext } from '../core/context.ts'
import type { Stores } from '../core/ports/stores.ts'
import { newUser } from '../core/users.ts'
import type { DemoExample } from '../http/views/demo-home.ts'
import { cryptoRandom, systemClock } from '../system.ts'

export const DEMO_USER = { username: 'demo', password: 'demo-password' } as const

/** The example apps' client credentials, kept where a client keeps its own secrets: beside it, not in Keyward. */
interface DemoClients {
  webApp: { clientId: string; clientSecret: string }
}

const WEB_APP_PORT_OFFSET = 1
const API_PORT_OFFSET = 2

function webAppOrigin(config: Config): string {
  return `http://127.0.0.1:${config.port + WEB_APP_PORT_OFFSET}`
}

/** Creates the demo user and the example clients on first start; later starts reuse them. */
export async function provisionDemo(stores: Stores, config: Config, dataDir: string): Promise<DemoClients> {
  const deps = { config, clock: systemClock, random: cryptoRandom }
  if ((await stores.users.getByUsername(DEMO_USER.username)) === null) {
    await stores.users.create(await newUser(DEMO_USER.username, DEMO_USER.password, deps))
  }
  const path = join(dataDir, 'demo-clients.json')
  const saved: DemoClients | null = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null
  if (saved && (await stores.clients.get(saved.webApp.clientId))) return saved

  const { client, secret } = registerClient(
    {
      name: 'Demo web app',
      type: 'confidential',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [`${webAppOrigin(config)}/callback`],
      scopes: config.scopes.map((scope) => scope.name),
    },
    deps,
  )
  await stores.clients.create(client)
  const clients: DemoClients = { webApp: { clientId: client.id, clientSecret: secret ?? '' } }
  writeFileSync(path, JSON.stringify(clients, null, 2), { mode: 0o600 })
  return clients
}

/** Starts the example apps against the running server; returns what the landing page lists. */
export async function startDemoApps(
  core: CoreContext,
  clients: DemoClients,
): Promise<{ examples: DemoExample[]; close(): Promise<void> }> {
  // The API accepts the tokens Keyward issues by default: their aud is the configured API, else the issuer.
  const api = await startApi({
    issuer: core.config.issuer,
    audience: defaultAudience(core.config),
    port: core.config.port + API_PORT_OFFSET,
  })
  let webApp: WebApp
  try {
    webApp = await startWebApp({
      issuer: core.config.issuer,
      clientId: clients.webApp.clientId,
      clientSecret: clients.webApp.clientSecret,
      port: core.config.port + WEB_APP_PORT_OFFSET,
      scope: 'profile read',
      apiUrl: api.url,
    })
  } catch (error) {
    await api.close()
    throw error
  }
  return {
    examples: [
      {
        title: 'Web app (authorization code + PKCE)',
        url: webApp.url,
        description:
          'A server-side app with a client secret. It signs you in through Keyward, shows the access token it received and calls the example API with it; tokens never reach the browser.',
      },
      {
        title: 'Example API (resource server)',
        url: api.url,
        description:
          'An API protected by @keyward/resource-server: it verifies access tokens against the JWKS and answers GET /profile, GET /notes and POST /notes only with the scope each needs. Its address lists the endpoints.',
      },
    ],
    close: async () => {
      await webApp.close()
      await api.close()
    },
  }
}
