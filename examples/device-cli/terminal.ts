import { decodeJwt } from 'jose'
import * as oauth from 'oauth4webapi'
import { callApi } from '../web-app/api-client.ts'

// What the terminal examples (device, service, password) share: how they read the token endpoint's refusals
// and how they show what they got.

/** Where an example writes a line for the person at the terminal; tests pass one that collects the lines. */
export type Print = (line: string) => void

const indent = (text: string) => text.replaceAll(/^/gm, '  ')

/** The access token's claims, decoded for display only: the API is the one that verifies the signature. */
export function printClaims(print: Print, accessToken: string): void {
  let claims: unknown
  try {
    claims = decodeJwt(accessToken)
  } catch {
    print('The access token is opaque: it has no claims to show.')
    return
  }
  print('Access token claims (decoded for display; the API verifies the signature):')
  print(indent(JSON.stringify(claims, null, 2)))
}

/** Calls the API with the token (RFC 6750 §2.1: in the Authorization header) and shows each answer. */
export async function printApiCalls(
  print: Print,
  api: URL,
  paths: readonly string[],
  accessToken: string,
): Promise<void> {
  for (const path of paths) {
    const { method, answer } = await callApi(api, path, accessToken)
    if (answer.kind === 'unreachable') {
      print(`${method} ${api.origin}${path}: no answer, ${answer.reason}`)
      continue
    }
    print(`${method} ${api.origin}${path} → HTTP ${answer.status}`)
    if (answer.challenge !== undefined) print(`  WWW-Authenticate: ${answer.challenge}`)
    if (answer.body !== undefined) print(indent(JSON.stringify(answer.body, null, 2)))
  }
}

/** An error answer from the token endpoint (RFC 6749 §5.2), whichever way oauth4webapi reported it. */
export class TokenEndpointError extends Error {
  readonly error: string

  constructor(error: string, description: string | undefined) {
    super(`The token endpoint answered ${error}: ${description ?? 'no description'}`)
    this.error = error
  }
}

/** Runs a token endpoint request; its error answers come out as TokenEndpointError. */
export async function tokenEndpoint<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request()
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError)
      throw new TokenEndpointError(error.error, error.error_description)
    // RFC 6749 §5.2: a failed client authentication is a 401 with a challenge, which oauth4webapi reports first.
    if (error instanceof oauth.WWWAuthenticateChallengeError) {
      const body = (await error.response.json().catch(() => ({}))) as {
        error?: string
        error_description?: string
      }
      throw new TokenEndpointError(body.error ?? `HTTP ${error.status}`, body.error_description)
    }
    throw error
  }
}
