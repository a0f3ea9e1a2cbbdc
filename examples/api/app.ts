import { createServer } from 'node:http'
import { createVerifier, type IntrospectionClient } from '../../packages/resource-server/src/index.ts'
import { listen } from '../listen.ts'
import { createNoteStore } from './notes.ts'
import { createRequestListener } from './routes.ts'

export interface ApiOptions {
  /** The authorization server's issuer identifier: tokens must carry it in `iss`. */
  readonly issuer: string
  /** This API's identifier: tokens must name it in `aud` (Keyward's default `aud` is its issuer). */
  readonly audience: string
  // 0 picks any free port.
  readonly port: number
  readonly host?: string
  /** This API's own client credentials, to check opaque tokens by introspection (RFC 7662); JWTs need none. */
  readonly introspection?: IntrospectionClient
  /** The time tokens are checked against; tests pass a clock they move. Default: the system clock. */
  readonly clock?: { now(): Date }
}

export interface Api {
  readonly url: string
  close(): Promise<void>
}

export async function startApi(options: ApiOptions): Promise<Api> {
  // One verifier for the life of the API: it caches the issuer metadata and the JWKS.
  const verifier = createVerifier({
    issuer: options.issuer,
    audience: options.audience,
    ...(options.introspection === undefined ? {} : { introspection: options.introspection }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    // The caller gets a bare 503; why the issuer failed goes to the log.
    onIssuerError: (error) => console.error(`api: cannot verify tokens: ${error.message}`),
  })
  return listen(createServer(createRequestListener(verifier, createNoteStore())), options.port, options.host)
}
