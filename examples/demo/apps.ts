import { dataDirectory } from '../../src/cli/config-source.ts'
import { defaultAudience } from '../../src/core/config.ts'
import type { DemoExample } from '../../src/http/views/demo-home.ts'
import type { Config } from '../../src/index.ts'
import { startApi } from '../api/app.ts'
import { IMPLICIT_LEGACY_REASON, startLegacyImplicit } from '../legacy-implicit/app.ts'
import { PASSWORD_LEGACY_REASON } from '../legacy-password/password-flow.ts'
import { startMcpServer } from '../mcp/server.ts'
import { startSpa } from '../spa/app.ts'
import { startWebApp } from '../web-app/app.ts'
import { type DemoPorts, defaultApiUrl } from './ports.ts'
import { DEFAULT_ISSUER, type DemoClients, secretOf } from './settings.ts'

// A value pasted into a shell command as one word.
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`
}

/** The command that runs a CLI example against this demo: the npm script, with what differs from its defaults. */
function exampleCommand(
  script: string,
  settings: { issuer: string; apiUrl: string; dataDir: string },
): string {
  const variables = [
    settings.issuer === DEFAULT_ISSUER ? null : `KEYWARD_ISSUER=${shellWord(settings.issuer)}`,
    settings.dataDir === dataDirectory({}) ? null : `KEYWARD_DATA_DIR=${shellWord(settings.dataDir)}`,
    settings.apiUrl === defaultApiUrl(settings.issuer)
      ? null
      : `EXAMPLE_API_URL=${shellWord(settings.apiUrl)}`,
  ]
  return [...variables.filter((variable) => variable !== null), `npm run ${script}`].join(' ')
}

interface Closable {
  close(): Promise<void>
}

async function closeAll(apps: readonly Closable[]): Promise<void> {
  for (const app of [...apps].reverse()) await app.close()
}

/** The example apps the demo started, as its home page lists them. */
export interface DemoApps {
  readonly examples: DemoExample[]
  close(): Promise<void>
}

/** Starts the example apps against the running server; returns what the landing page lists. */
export async function startDemoApps(
  config: Config,
  clients: DemoClients,
  dataDir: string,
  ports: DemoPorts,
): Promise<DemoApps> {
  const { issuer } = config
  const started: Closable[] = []
  const start = async <App extends Closable>(app: Promise<App>): Promise<App> => {
    started.push(await app)
    return app
  }
  try {
    // The API accepts the tokens Keyward issues by default: their aud is the configured API, else the issuer.
    const api = await start(startApi({ issuer, audience: defaultAudience(config), port: ports.api }))
    const webApp = await start(
      startWebApp({
        issuer,
        clientId: clients.webApp.clientId,
        clientSecret: secretOf(clients, 'webApp'),
        port: ports.webApp,
        scope: 'openid profile email read',
        apiUrl: api.url,
      }),
    )
    const spa = await start(
      startSpa({ issuer, clientId: clients.spa.clientId, apiUrl: api.url, port: ports.spa }),
    )
    const implicit = await start(
      startLegacyImplicit({
        issuer,
        clientId: clients.legacyImplicit.clientId,
        port: ports.legacyImplicit,
      }),
    )
    const mcp = await start(startMcpServer({ issuer, port: ports.mcp }))
    const command = (script: string) => exampleCommand(script, { issuer, apiUrl: api.url, dataDir })
    const examples: DemoExample[] = [
      {
        title: 'Web app (confidential client: authorization code + PKCE)',
        url: webApp.url,
        description:
          'A server-side app with a client secret. It signs you in through Keyward, shows the access token it received and calls the example API with it; tokens never reach the browser.',
      },
      {
        title: 'Single-page app (public client: authorization code + PKCE in the browser)',
        url: spa.url,
        description:
          'All of its OAuth code runs in the page: PKCE with WebCrypto, tokens kept in memory only (reload and you sign in again), refresh with rotation, and Sign out revokes the refresh token.',
      },
      {
        title: 'Device CLI (public client: device authorization, RFC 8628)',
        url: command('example:device'),
        description: `Run ${command('example:device')} in a second terminal. It shows a code to enter at ${issuer}/device, waits while you approve, then prints the token's claims and calls the example API.`,
      },
      {
        title: 'Service (confidential client: client credentials)',
        url: command('example:service'),
        description: `Run ${command('example:service')} in a second terminal. A machine calls the example API as itself, with no user, and reuses its token until shortly before it expires.`,
      },
      {
        title: 'Example API (resource server)',
        url: api.url,
        description:
          'An API protected by @keyward/resource-server: it verifies access tokens against the JWKS and answers GET /profile, GET /notes and POST /notes only with the scope each needs. Its address lists the endpoints.',
      },
      {
        title: `MCP server for AI agents at ${mcp.resource} (its RFC 9728 metadata here)`,
        url: mcp.metadataUrl,
        description: `A Model Context Protocol server on the official SDK, protected by @keyward/resource-server; the link shows the RFC 9728 metadata MCP clients read first. Point an MCP client (the MCP Inspector, an agent) at ${mcp.resource}: with nothing registered beforehand it registers itself (dynamic registration or a client ID metadata document), you sign in and consent, and its tools whoami, list_notes and add_note act for you with a token for this server alone.`,
      },
      {
        title: 'Implicit page (public client: response_type=token)',
        url: implicit.url,
        description:
          'A static page that receives its access token in the URL fragment. Shown only so you can see why not to.',
        legacy: IMPLICIT_LEGACY_REASON,
      },
      {
        title: 'Password CLI (confidential client: password grant)',
        url: command('example:password'),
        description: `Run ${command('example:password')} in a second terminal. It asks for your username and password itself and trades them for a token.`,
        legacy: PASSWORD_LEGACY_REASON,
      },
    ]
    return { examples, close: () => closeAll(started) }
  } catch (error) {
    await closeAll(started)
    throw error
  }
}
