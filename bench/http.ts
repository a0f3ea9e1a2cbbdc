import { type Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { basicAuthorization } from '../test/support/oauth-client.ts'

/** One request as every load generator sends it. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

export interface HttpResponse {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

export interface Credentials {
  readonly id: string
  readonly secret: string
}

/** A form POST authenticated with client_secret_basic (RFC 6749 §2.3.1), the way every bench client calls. */
export function formPost(
  path: string,
  client: Credentials,
  params: Readonly<Record<string, string>>,
): HttpRequest {
  return {
    method: 'POST',
    path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuthorization(client.id, client.secret),
    },
    body: new URLSearchParams(params).toString(),
  }
}

/** Sends one request over `agent` (a fresh connection when absent) and reads the whole answer. */
export function send(origin: string, request: HttpRequest, agent?: Agent): Promise<HttpResponse> {
  const body = request.body === undefined ? undefined : Buffer.from(request.body)
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      new URL(request.path, origin),
      {
        method: request.method,
        headers: body === undefined ? request.headers : { ...request.headers, 'content-length': body.length },
        agent: agent ?? false,
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        response.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

/** The JSON body of a 200, or an error that shows what came back instead. */
export function jsonOf(response: HttpResponse, what: string): Record<string, unknown> {
  if (response.status !== 200)
    throw new Error(`${what}: HTTP ${response.status} ${response.body.slice(0, 300)}`)
  return JSON.parse(response.body) as Record<string, unknown>
}

/** Asks the token endpoint for a token and returns one field of the answer. */
export async function tokenField(
  origin: string,
  request: HttpRequest,
  field: 'access_token' | 'refresh_token',
  agent?: Agent,
): Promise<string> {
  const value = jsonOf(await send(origin, request, agent), `${request.path} for ${field}`)[field]
  if (typeof value !== 'string') throw new Error(`${request.path} returned no ${field}`)
  return value
}
