import * as oauth from 'oauth4webapi'
import { API_PATHS, apiBaseUrl } from '../web-app/api-client.ts'
import { discover } from '../web-app/authorization-server.ts'
import { type Print, printApiCalls, printClaims, TokenEndpointError, tokenEndpoint } from './terminal.ts'

export interface DeviceCliOptions {
  readonly issuer: string
  /** A public client with the device_code grant: a CLI cannot keep a secret. */
  readonly clientId: string
  readonly apiUrl: string
  readonly scope?: string
  readonly print: Print
  /** Waits this long between polls; tests pass one that moves a fake clock instead of waiting. */
  readonly sleep: (milliseconds: number) => Promise<void>
}

// RFC 8628 §3.2: without an interval in the response, the device waits 5 seconds between polls.
const DEFAULT_INTERVAL = 5
// RFC 8628 §3.5: slow_down adds 5 seconds to the interval, for this and every later poll.
const SLOW_DOWN_STEP = 5

/**
 * RFC 8628: asks for a device code, tells the person where to approve it, polls the token endpoint until they
 * have, then shows the token's claims and what the API answers to it.
 */
export async function runDeviceCli(options: DeviceCliOptions): Promise<void> {
  const { print } = options
  const { as, httpOptions } = await discover(options.issuer)
  const client: oauth.Client = { client_id: options.clientId }
  const none = oauth.None()
  const device = await oauth.processDeviceAuthorizationResponse(
    as,
    client,
    await oauth.deviceAuthorizationRequest(
      as,
      client,
      none,
      { scope: options.scope ?? 'profile read' },
      httpOptions,
    ),
  )
  print('To sign in, open this page on any device with a browser:')
  print(`  ${device.verification_uri}`)
  print(`and enter the code ${device.user_code}`)
  if (device.verification_uri_complete !== undefined) {
    print(`or open this address, which carries the code: ${device.verification_uri_complete}`)
  }
  print(`Waiting for you to approve (the code expires in ${device.expires_in} seconds)…`)

  let interval = device.interval ?? DEFAULT_INTERVAL
  for (;;) {
    await options.sleep(interval * 1000)
    let tokens: oauth.TokenEndpointResponse
    try {
      tokens = await tokenEndpoint(async () =>
        oauth.processDeviceCodeResponse(
          as,
          client,
          await oauth.deviceCodeGrantRequest(as, client, none, device.device_code, httpOptions),
        ),
      )
    } catch (error) {
      if (!(error instanceof TokenEndpointError)) throw error
      if (error.error === 'authorization_pending') continue
      if (error.error === 'slow_down') {
        interval += SLOW_DOWN_STEP
        print(`The server asked to slow down: polling every ${interval} seconds now.`)
        continue
      }
      // access_denied, expired_token, or anything else: this code is finished (RFC 8628 §3.5).
      throw new Error(`Sign-in did not complete. ${error.message}`)
    }
    print(
      `Signed in. Scope: ${tokens.scope ?? '(not given)'}; the access token expires in ${tokens.expires_in} seconds.`,
    )
    printClaims(print, tokens.access_token)
    await printApiCalls(print, apiBaseUrl(options.apiUrl), API_PATHS, tokens.access_token)
    return
  }
}
