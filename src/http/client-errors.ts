import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { errorBody, InvalidRequest } from '../core/index.ts'
import { securityHeaders } from './security-headers.ts'

// Node answers some requests itself, before Fastify sees them: bytes its parser refuses, headers over 16 KB,
// requests that ran out of time, an Expect it cannot meet, a missing Host; and it drops a CONNECT. Fastify's
// default answer to the first three is its own JSON ({"error":"Bad Request","message":"Client Error"}) without
// Keyward's headers; these handlers give every one of them an RFC 6749 §5.2 body and the security headers.

interface RawAnswer {
  readonly status: number
  readonly reason: string
  readonly description: string
}

function answerFor(code: string | undefined): RawAnswer {
  switch (code) {
    // RFC 9110 §15.5.9: the headers (headersTimeout) or the whole request (requestTimeout) did not come in time.
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', description: 'The request did not arrive in time.' }
    // RFC 6585 §5: the request line and headers exceed Node's 16 KB.
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        description: 'The request line and headers are too large.',
      }
    default:
      return { status: 400, reason: 'Bad Request', description: 'The request is not valid HTTP/1.1.' }
  }
}

function jsonHeaders(https: boolean, body: string): Record<string, string> {
  return {
    ...securityHeaders({ https }),
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    Connection: 'close',
  }
}

/** An answer written straight to the socket, where Node offers no response object; the connection then closes. */
function endWith(socket: Socket, https: boolean, answer: RawAnswer): void {
  const body = JSON.stringify(errorBody(new InvalidRequest(answer.description)))
  const head = Object.entries(jsonHeaders(https, body)).map(([name, value]) => `${name}: ${value}\r\n`)
  socket.end(`HTTP/1.1 ${answer.status} ${answer.reason}\r\n${head.join('')}\r\n${body}`)
}

/** Fastify's `clientErrorHandler`: called with the raw socket when Node's parser or a timeout ends a request. */
export function answerClientError(https: boolean) {
  return function (this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
    // A response already under way cannot be followed by another one on the same connection.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy()
      return
    }
    const answer = answerFor(error.code)
    this.log.info({ error: 'invalid_request', reason: error.code }, answer.description)
    endWith(socket, https, answer)
  }
}

/** Answers for what Node's server handles without Fastify: an unmet Expect, and CONNECT. */
export function answerServerEvents(app: FastifyInstance, https: boolean): void {
  // RFC 9110 §10.1.1: an expectation other than 100-continue cannot be met, and 417 says so (Node's has no body).
  app.server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify(
      errorBody(new InvalidRequest('The only expectation this server meets is Expect: 100-continue.')),
    )
    response.writeHead(417, jsonHeaders(https, body)).end(body)
  })
  // RFC 9110 §9.3.6: CONNECT asks a proxy for a tunnel; Keyward is none (Node would close without a word).
  app.server.on('connect', (_request: IncomingMessage, socket: Socket) => {
    const description = 'This server is not a proxy: it does not take CONNECT.'
    endWith(socket, https, { status: 400, reason: 'Bad Request', description })
  })
}

/**
 * RFC 9112 §3.2: an HTTP/1.1 request without Host is answered 400. Node's own check (requireHostHeader) sends
 * no body, so the server is built without it and this hook answers instead.
 */
export function requireHost(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      done(new InvalidRequest('An HTTP/1.1 request must name its Host (RFC 9112 §3.2).'))
    } else done()
  })
}
