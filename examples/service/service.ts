import * as oauth from 'oauth4webapi'
import { type Print, printApiCalls, tokenEndpoint } from '../device-cli/terminal.ts'
import { API_PATHS, apiBaseUrl } from '../web-app/api-client.ts'
import { discover } from '../web-app/authorization-server.ts'
import { createTokenCache, RENEW_BEFORE_SECONDS } from './token-cache.ts'

export interface ServiceOptions {
  readonly issuer: string
  /** A confidential client with the client_credentials grant. */
  readonly clientId: string
  readonly clientSecret: string
  readonly apiUrl: string
  readonly scope?: string
  readonly print: Print
  /** The time the token cache judges expiry by. Default: the system clock. */
  readonly clock?: { now(): Date }
}

const systemClock = { now: () => new Date() }

/**
 * RFC 6749 §4.4: a service calls the API as itself, with no user. It authenticates with its secret
 * (client_secret_basic) and keeps one access token for every call until shortly before it expires.
 */
export async function runService(options: ServiceOptions): Promise<void> {
  const { print } = options
  const clock = options.clock ?? systemClock
  const { as, httpOptions } = await discover(options.issuer)
  const client: oauth.Client = { client_id: options.clientId }
  const secret = oauth.ClientSecretBasic(options.clientSecret)
  const cache = createTokenCache(async () => {
    const response = await tokenEndpoint(async () =>
      oauth.processClientCredentialsResponse(
        as,
        client,
        await oauth.clientCredentialsGrantRequest(
          as,
          client,
          secret,
          { scope: options.scope ?? 'profile read' },
          httpOptions,
        ),
      ),
    )
    return { accessToken: response.access_token, expiresIn: response.expires_in ?? 0 }
  }, clock)

  const api = apiBaseUrl(options.apiUrl)
  for (const path of API_PATHS) {
    const token = await cache.get()
    const left = Math.round((token.expiresAt.getTime() - clock.now().getTime()) / 1000)
    print(
      token.fetched
        ? `Fetched a new access token from the token endpoint; it expires in ${left} seconds.`
        : `Reused the cached access token (no token request): it expires in ${left} seconds and is replaced ${RENEW_BEFORE_SECONDS} seconds before that.`,
    )
    await printApiCalls(print, api, [path], token.accessToken)
  }
}
