import { createServer } from 'node:http'
import * as oauth from 'oauth4webapi'
import { listen } from '../listen.ts'
import { apiBaseUrl } from './api-client.ts'
import { discover } from './authorization-server.ts'
import { createRequestListener } from './routes.ts'
import { createSessionStore } from './sessions.ts'

export interface WebAppOptions {
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  // 0 picks any free port.
  readonly port: number
  readonly host?: string
  // Absent: the authorization server grants the client's default scopes.
  readonly scope?: string
  // Where browsers reach the app when that is not http://host:port (a proxy); the redirect URI derives from it.
  readonly publicUrl?: string
  // An API that accepts this app's access tokens: the signed-in page shows what it answers to them.
  readonly apiUrl?: string
}

export interface WebApp {
  readonly url: string
  readonly redirectUri: string
  /** The post_logout_redirect_uri to register for the client (RP-Initiated Logout 1.0 §3.1). */
  readonly postLogoutRedirectUri: string
  close(): Promise<void>
}

export async function startWebApp(options: WebAppOptions): Promise<WebApp> {
  const apiUrl = options.apiUrl === undefined ? undefined : apiBaseUrl(options.apiUrl)
  const server = await discover(options.issuer)
  const http = createServer()
  const listening = await listen(http, options.port, options.host)
  const url = (options.publicUrl ?? listening.url).replace(/\/+$/, '')
  const redirectUri = `${url}/callback`
  http.on(
    'request',
    createRequestListener({
      server,
      client: { client_id: options.clientId },
      // The secret stays here: it only ever travels to the token endpoint (RFC 6749 §2.3.1).
      clientAuth: oauth.ClientSecretBasic(options.clientSecret),
      scope: options.scope,
      apiUrl,
      origin: new URL(url).origin,
      redirectUri,
      postLogoutRedirectUri: `${url}/`,
      secureCookie: url.startsWith('https:'),
      sessions: createSessionStore(),
    }),
  )
  return { url, redirectUri, postLogoutRedirectUri: `${url}/`, close: listening.close }
}
