import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startApi } from '../../examples/api/app.ts'
import { IMPLICIT_LEGACY_REASON, startLegacyImplicit } from '../../examples/legacy-implicit/app.ts'
import { PASSWORD_LEGACY_REASON } from '../../examples/legacy-password/password-flow.ts'
import { startSpa } from '../../examples/spa/app.ts'
import { startWebApp } from '../../examples/web-app/app.ts'
import {
  type ClientKind,
  type ClientPreset,
  clientLifetimes,
  clientPresetForKind,
  withoutRefresh,
} from '../core/advisor/presets.ts'
import { createClient } from '../core/admin/clients.ts'
import type { ClientRegistration } from '../core/client-registration.ts'
import { type Config, defaultAudience } from '../core/config.ts'
import type { CoreContext } from '../core/context.ts'
import type { LegacyFlow } from '../core/model/client.ts'
import { newUser } from '../core/users.ts'
import type { DemoExample } from '../http/views/demo-home.ts'
import { dataDirectory, type Environment } from './config-source.ts'

export const DEMO_USER = { username: 'demo', password: 'demo-password' } as const

/** One example's client credentials; public clients have no secret. */
export interface DemoClient {
  readonly clientId: string
  readonly clientSecret?: string
}

const DEMO_CLIENT_NAMES = [
  'webApp',
  'spa',
  'deviceCli',
  'service',
  'legacyImplicit',
  'legacyPassword',
] as const
type DemoClientName = (typeof DEMO_CLIENT_NAMES)[number]

/** The example apps' client credentials, kept where a client keeps its own secrets: beside it, not in Keyward. */
export type DemoClients = { readonly [Name in DemoClientName]: DemoClient }

// Each example on its own port after Keyward's; the CLI examples need none.
const PORT_OFFSETS = { webApp: 1, api: 2, spa: 3, legacyImplicit: 4 } as const

/** Where `npm start` puts Keyward when nothing is configured; the CLI examples assume it too. */
const DEFAULT_ISSUER = 'http://127.0.0.1:9000'
const DEMO_CLIENTS_FILE = 'demo-clients.json'

function origin(config: Config, app: keyof typeof PORT_OFFSETS): string {
  return `http://127.0.0.1:${config.port + PORT_OFFSETS[app]}`
}

/** The settings a demo client takes from a preset; legacy ones add the operator's explicit opt-in. */
type DemoPreset = Pick<ClientPreset, 'type' | 'tokenEndpointAuthMethod' | 'grantTypes' | 'tokens'> & {
  readonly allowLegacy?: readonly LegacyFlow[]
}

// RFC 9700 §2.1.2, §2.4: a legacy flow, enabled explicitly, on the preset of the kind of client it stands in
// for, and without refresh tokens.
function legacyPreset(kind: ClientKind, flow: LegacyFlow): DemoPreset {
  return { ...withoutRefresh(clientPresetForKind(kind)), grantTypes: [flow], allowLegacy: [flow] }
}

/** A registration with the safe settings for its kind (the presets `keyward clients create --kind` uses). */
function registration(
  preset: DemoPreset,
  name: string,
  redirectUris: readonly string[],
  config: Config,
): ClientRegistration {
  return {
    name,
    type: preset.type,
    grantTypes: preset.grantTypes,
    redirectUris,
    scopes: config.scopes.map((scope) => scope.name),
    tokenEndpointAuthMethod: preset.tokenEndpointAuthMethod,
    lifetimes: clientLifetimes(preset.tokens),
    ...(preset.allowLegacy === undefined ? {} : { allowLegacy: preset.allowLegacy }),
  }
}

const REGISTRATIONS: { readonly [Name in DemoClientName]: (config: Config) => ClientRegistration } = {
  webApp: (config) =>
    registration(
      clientPresetForKind('web'),
      'Demo web app',
      [`${origin(config, 'webApp')}/callback`],
      config,
    ),
  spa: (config) =>
    registration(clientPresetForKind('spa'), 'Demo SPA', [`${origin(config, 'spa')}/callback`], config),
  deviceCli: (config) => registration(clientPresetForKind('device'), 'Demo device CLI', [], config),
  service: (config) => registration(clientPresetForKind('service'), 'Demo service', [], config),
  legacyImplicit: (config) =>
    registration(
      legacyPreset('spa', 'implicit'),
      'Demo legacy implicit page',
      [`${origin(config, 'legacyImplicit')}/callback`],
      config,
    ),
  legacyPassword: (config) =>
    registration(legacyPreset('web', 'password'), 'Demo legacy password CLI', [], config),
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value, index) => value === b[index])

function readSaved(path: string): Partial<Record<DemoClientName, DemoClient>> {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {}
}

/**
 * Creates the demo user and the example clients on first start; later starts reuse them. A client missing from
 * the file or from Keyward, or registered for other ports, is created again and the file rewritten.
 */
export async function provisionDemo(
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random' | 'events'>,
  dataDir: string,
): Promise<DemoClients> {
  const { stores, config } = ctx
  if ((await stores.users.getByUsername(DEMO_USER.username)) === null) {
    await stores.users.create(await newUser(DEMO_USER.username, DEMO_USER.password, ctx))
  }
  const path = join(dataDir, DEMO_CLIENTS_FILE)
  const saved = readSaved(path)
  const clients: Partial<Record<DemoClientName, DemoClient>> = {}
  let changed = false
  for (const name of DEMO_CLIENT_NAMES) {
    const registration = REGISTRATIONS[name](config)
    const kept = saved[name]
    const existing = kept === undefined ? null : await stores.clients.get(kept.clientId)
    if (
      kept !== undefined &&
      existing !== null &&
      sameList(existing.redirectUris, registration.redirectUris)
    ) {
      clients[name] = kept
      continue
    }
    const { client, secret } = await createClient(registration, ctx)
    clients[name] = secret === null ? { clientId: client.id } : { clientId: client.id, clientSecret: secret }
    changed = true
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    writeFileSync(path, JSON.stringify(clients, null, 2), { mode: 0o600 })
  }
  return clients as DemoClients
}

/** A confidential example's secret; a file edited by hand may have lost it. */
export function secretOf(clients: DemoClients, name: DemoClientName): string {
  const secret = clients[name].clientSecret
  if (secret === undefined || secret === '') {
    throw new Error(
      `${DEMO_CLIENTS_FILE} has no secret for ${name}: delete the file and start the demo again.`,
    )
  }
  return secret
}

/** The example API's address for an issuer on the demo's ports. */
function demoApiUrl(issuer: string): string {
  const url = new URL(issuer)
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
  return `http://127.0.0.1:${port + PORT_OFFSETS.api}`
}

/** What a CLI example needs to talk to a running demo, from the environment `npm run example:*` gets. */
export interface DemoSettings {
  readonly issuer: string
  readonly apiUrl: string
  readonly clients: DemoClients
}

export function demoSettings(env: Environment): DemoSettings {
  const issuer = env.KEYWARD_ISSUER || DEFAULT_ISSUER
  const path = join(dataDirectory(env), DEMO_CLIENTS_FILE)
  if (!existsSync(path)) {
    throw new Error(
      `${path} does not exist: start the demo first (npm start), then run this in a second terminal.`,
    )
  }
  const saved = readSaved(path)
  const missing = DEMO_CLIENT_NAMES.find((name) => typeof saved[name]?.clientId !== 'string')
  if (missing !== undefined) {
    throw new Error(`${path} has no ${missing} client: restart the demo (npm start) and it adds it.`)
  }
  return { issuer, apiUrl: env.EXAMPLE_API_URL || demoApiUrl(issuer), clients: saved as DemoClients }
}

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
    settings.apiUrl === demoApiUrl(settings.issuer) ? null : `EXAMPLE_API_URL=${shellWord(settings.apiUrl)}`,
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
  core: CoreContext,
  clients: DemoClients,
  dataDir: string,
): Promise<DemoApps> {
  const { issuer } = core.config
  const started: Closable[] = []
  const start = async <App extends Closable>(app: Promise<App>): Promise<App> => {
    started.push(await app)
    return app
  }
  try {
    // The API accepts the tokens Keyward issues by default: their aud is the configured API, else the issuer.
    const api = await start(
      startApi({ issuer, audience: defaultAudience(core.config), port: core.config.port + PORT_OFFSETS.api }),
    )
    const webApp = await start(
      startWebApp({
        issuer,
        clientId: clients.webApp.clientId,
        clientSecret: secretOf(clients, 'webApp'),
        port: core.config.port + PORT_OFFSETS.webApp,
        scope: 'profile read',
        apiUrl: api.url,
      }),
    )
    const spa = await start(
      startSpa({
        issuer,
        clientId: clients.spa.clientId,
        apiUrl: api.url,
        port: core.config.port + PORT_OFFSETS.spa,
      }),
    )
    const implicit = await start(
      startLegacyImplicit({
        issuer,
        clientId: clients.legacyImplicit.clientId,
        port: core.config.port + PORT_OFFSETS.legacyImplicit,
      }),
    )
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
