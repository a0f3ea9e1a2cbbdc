import { ConfigError } from '../../src/index.ts'

/** The example apps the demo serves over HTTP; the CLI examples need no port. */
export type DemoApp = 'webApp' | 'api' | 'spa' | 'legacyImplicit' | 'mcp'

/** Where each example app listens. */
export type DemoPorts = { readonly [App in DemoApp]: number }

// By default each example on its own port after Keyward's; each variable moves one app alone (the tests let the
// OS pick every port instead of hoping for six free ones in a row).
const PORTS: { readonly [App in DemoApp]: { readonly offset: number; readonly variable: string } } = {
  webApp: { offset: 1, variable: 'DEMO_WEB_APP_PORT' },
  api: { offset: 2, variable: 'DEMO_API_PORT' },
  spa: { offset: 3, variable: 'DEMO_SPA_PORT' },
  legacyImplicit: { offset: 4, variable: 'DEMO_IMPLICIT_PORT' },
  mcp: { offset: 5, variable: 'DEMO_MCP_PORT' },
}

/** The variables that move the example apps, for messages that tell how. */
export const DEMO_PORT_VARIABLES = Object.values(PORTS).map(({ variable }) => variable)

function portFrom(env: Readonly<Record<string, string | undefined>>, variable: string): number | undefined {
  const text = env[variable]
  if (text === undefined || text === '') return undefined
  const port = Number(text)
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ConfigError([`${variable}: "${text}" is not a port (1 to 65535)`])
  }
  return port
}

/** The example apps' ports: the environment's, else the ones after Keyward's. */
export function demoPorts(env: Readonly<Record<string, string | undefined>>, keywardPort: number): DemoPorts {
  const port = (app: DemoApp) => portFrom(env, PORTS[app].variable) ?? keywardPort + PORTS[app].offset
  return {
    webApp: port('webApp'),
    api: port('api'),
    spa: port('spa'),
    legacyImplicit: port('legacyImplicit'),
    mcp: port('mcp'),
  }
}

/** The example API's address for an issuer on the demo's default ports. */
export function defaultApiUrl(issuer: string): string {
  const url = new URL(issuer)
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
  return `http://127.0.0.1:${port + PORTS.api.offset}`
}
