import * as oauth from 'oauth4webapi'
import { type Print, printApiCalls, printClaims, tokenEndpoint } from '../device-cli/terminal.ts'
import { API_PATHS, apiBaseUrl } from '../web-app/api-client.ts'
import { discover } from '../web-app/authorization-server.ts'

/** Why the password grant is legacy, printed before anything else and listed by the demo. */
export const PASSWORD_LEGACY_REASON =
  'RFC 9700 §2.4: the app sees your password, which teaches people to type it into apps and rules out multi-factor sign-in and consent at the authorization server. Use the device flow or authorization code instead.'

export interface Credentials {
  readonly username: string
  readonly password: string
}

export interface PasswordOptions {
  readonly issuer: string
  /** A confidential client created with allowLegacy: ['password']. */
  readonly clientId: string
  readonly clientSecret: string
  readonly apiUrl: string
  readonly scope?: string
  readonly print: Print
  /** Asked only after the LEGACY warning is shown. */
  readonly credentials: () => Promise<Credentials>
}

/** RFC 6749 §4.3: the app collects the person's username and password and trades them for a token. */
export async function runPasswordExample(options: PasswordOptions): Promise<void> {
  const { print } = options
  print('LEGACY: the resource owner password credentials grant (grant_type=password).')
  print(PASSWORD_LEGACY_REASON)
  print('')
  const { username, password } = await options.credentials()
  const { as, httpOptions } = await discover(options.issuer)
  const client: oauth.Client = { client_id: options.clientId }
  const tokens = await tokenEndpoint(async () =>
    oauth.processGenericTokenEndpointResponse(
      as,
      client,
      await oauth.genericTokenEndpointRequest(
        as,
        client,
        oauth.ClientSecretBasic(options.clientSecret),
        'password',
        { username, password, scope: options.scope ?? 'profile read' },
        httpOptions,
      ),
    ),
  )
  print(
    `Token received. Scope: ${tokens.scope ?? '(not given)'}; it expires in ${tokens.expires_in} seconds.`,
  )
  printClaims(print, tokens.access_token)
  await printApiCalls(print, apiBaseUrl(options.apiUrl), API_PATHS, tokens.access_token)
}
