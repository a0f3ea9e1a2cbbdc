import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type ClientKind,
  type ClientPreset,
  clientLifetimes,
  clientPresetForKind,
  withoutRefresh,
} from '../../src/core/advisor/presets.ts'
import { createClient } from '../../src/core/admin/clients.ts'
import { createResource } from '../../src/core/admin/resources.ts'
import { changeUserClaims } from '../../src/core/admin/users.ts'
import type { ClientRegistration } from '../../src/core/client-registration.ts'
import type { LegacyFlow } from '../../src/core/model/client.ts'
import { newUser } from '../../src/core/users.ts'
import type { Config, CoreContext } from '../../src/index.ts'
import { MCP_PATH, MCP_RESOURCE_NAME, MCP_SCOPES } from '../mcp/server.ts'
import { type DemoApp, type DemoPorts, demoPorts } from './ports.ts'
import {
  DEMO_CLIENT_NAMES,
  DEMO_CLIENTS_FILE,
  DEMO_USER,
  type DemoClient,
  type DemoClientName,
  type DemoClients,
  readSaved,
} from './settings.ts'

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

type Registrations = {
  readonly [Name in DemoClientName]: (
    config: Config,
    callback: (app: DemoApp) => string,
  ) => ClientRegistration
}

const REGISTRATIONS: Registrations = {
  // RP-Initiated Logout 1.0 §3.1: the web app's home page is where Keyward sends the browser after signing out.
  webApp: (config, callback) => ({
    ...registration(clientPresetForKind('web'), 'Demo web app', [callback('webApp')], config),
    postLogoutRedirectUris: [callback('webApp').replace(/callback$/, '')],
  }),
  // The SPA's page is where it comes back to after signing out of Keyward.
  spa: (config, callback) => ({
    ...registration(clientPresetForKind('spa'), 'Demo SPA', [callback('spa')], config),
    postLogoutRedirectUris: [callback('spa').replace(/callback$/, '')],
  }),
  deviceCli: (config) => registration(clientPresetForKind('device'), 'Demo device CLI', [], config),
  service: (config) => registration(clientPresetForKind('service'), 'Demo service', [], config),
  legacyImplicit: (config, callback) =>
    registration(
      legacyPreset('spa', 'implicit'),
      'Demo legacy implicit page',
      [callback('legacyImplicit')],
      config,
    ),
  legacyPassword: (config) =>
    registration(legacyPreset('web', 'password'), 'Demo legacy password CLI', [], config),
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value, index) => value === b[index])

/**
 * Creates the demo user and the example clients on first start; later starts reuse them. A client missing from
 * the file or from Keyward, or registered for other ports, is created again and the file rewritten.
 */
export async function provisionDemo(
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random' | 'events' | 'fetch'>,
  dataDir: string,
  ports: DemoPorts = demoPorts({}, ctx.config.port),
): Promise<DemoClients> {
  const { stores, config } = ctx
  let user = await stores.users.getByUsername(DEMO_USER.username)
  if (user === null) {
    user = await newUser(DEMO_USER.username, DEMO_USER.password, ctx)
    await stores.users.create(user)
  }
  // What `keyward users update --name ...` does; a demo user from before it had claims gets them now.
  if (user.claims.name === undefined) await changeUserClaims(user.id, DEMO_USER.claims, ctx)
  const callback = (app: DemoApp) => `http://127.0.0.1:${ports[app]}/callback`
  const path = join(dataDir, DEMO_CLIENTS_FILE)
  const saved = readSaved(path)
  const clients: Partial<Record<DemoClientName, DemoClient>> = {}
  let changed = false
  for (const name of DEMO_CLIENT_NAMES) {
    const registration = REGISTRATIONS[name](config, callback)
    const kept = saved[name]
    const existing = kept === undefined ? null : await stores.clients.get(kept.clientId)
    if (
      kept !== undefined &&
      existing !== null &&
      sameList(existing.redirectUris, registration.redirectUris) &&
      sameList(existing.postLogoutRedirectUris, registration.postLogoutRedirectUris ?? [])
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

/** The example MCP server's resource identifier on the demo's ports: the URL MCP clients connect to. */
export function demoMcpResource(ports: DemoPorts): string {
  return `http://127.0.0.1:${ports.mcp}${MCP_PATH}`
}

/**
 * Registers the example MCP server as a resource (what `keyward resources create` does), so that the tokens MCP
 * clients ask for with its identifier (RFC 8707) carry it in aud. Needs the MCP scopes in the configuration.
 */
export async function provisionMcpResource(
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'events'>,
  ports: DemoPorts,
): Promise<void> {
  const identifier = demoMcpResource(ports)
  if ((await ctx.stores.resources.get(identifier)) !== null) return
  await createResource(
    { identifier, name: MCP_RESOURCE_NAME, scopes: MCP_SCOPES.map((scope) => scope.name) },
    ctx,
  )
}
