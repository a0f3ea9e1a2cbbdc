import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dataDirectory, type Environment } from '../../src/cli/config-source.ts'
import type { Config } from '../../src/index.ts'
import { MCP_SCOPES } from '../mcp/server.ts'
import { defaultApiUrl } from './ports.ts'

/** The demo's person, with the OpenID Connect claims (Core §5.1) the example apps show once signed in. */
export const DEMO_USER = {
  username: 'demo',
  password: 'demo-password',
  claims: {
    name: 'Dana Demo',
    given_name: 'Dana',
    family_name: 'Demo',
    email: 'demo@example.com',
    email_verified: 'true',
  },
} as const

/** One example's client credentials; public clients have no secret. */
export interface DemoClient {
  readonly clientId: string
  readonly clientSecret?: string
}

export const DEMO_CLIENT_NAMES = [
  'webApp',
  'spa',
  'deviceCli',
  'service',
  'legacyImplicit',
  'legacyPassword',
] as const
export type DemoClientName = (typeof DEMO_CLIENT_NAMES)[number]

/** The example apps' client credentials, kept where a client keeps its own secrets: beside it, not in Keyward. */
export type DemoClients = { readonly [Name in DemoClientName]: DemoClient }

/** Where `npm start` puts Keyward when nothing is configured; the CLI examples assume it too. */
export const DEFAULT_ISSUER = 'http://127.0.0.1:9000'
export const DEMO_CLIENTS_FILE = 'demo-clients.json'

/**
 * What the demo sets unless the environment does: MCP clients (agents) that nobody created beforehand may
 * register themselves, by RFC 7591 or by a client ID metadata document, as they do with the example MCP server.
 */
export const DEMO_ENVIRONMENT = {
  KEYWARD_REGISTRATION_POLICY: 'open',
  KEYWARD_CLIENT_ID_METADATA_DOCUMENTS: 'any',
} as const

/** The configuration with the example MCP server's scopes, which its resource registration names. */
export function withMcpScopes(config: Config): Config {
  const defined = new Set(config.scopes.map((scope) => scope.name))
  return { ...config, scopes: [...config.scopes, ...MCP_SCOPES.filter((scope) => !defined.has(scope.name))] }
}

export function readSaved(path: string): Partial<Record<DemoClientName, DemoClient>> {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {}
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
  return { issuer, apiUrl: env.EXAMPLE_API_URL || defaultApiUrl(issuer), clients: saved as DemoClients }
}
