import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  type AccessToken,
  requireScopeNode,
  type Verifier,
} from '../../packages/resource-server/src/index.ts'
import { BodyError, readJsonBody } from './json-body.ts'
import type { NoteStore } from './notes.ts'

interface JsonReply {
  readonly status: number
  readonly body: unknown
}

interface Endpoint {
  readonly method: string
  readonly path: string
  /** A token without it gets 403 insufficient_scope (RFC 6750 §3.1). */
  readonly scope: string
  readonly description: string
  readonly handle: (token: AccessToken, request: IncomingMessage, notes: NoteStore) => Promise<JsonReply>
}

const MAX_NOTE_LENGTH = 280

const invalidRequest = (description: string): JsonReply => ({
  status: 400,
  body: { error: 'invalid_request', error_description: description },
})

async function addNote(token: AccessToken, request: IncomingMessage, notes: NoteStore): Promise<JsonReply> {
  const body = await readJsonBody(request)
  const text = typeof body === 'object' && body !== null && 'text' in body ? body.text : undefined
  if (typeof text !== 'string' || text.trim() === '') {
    return invalidRequest('send {"text": "..."} with the note')
  }
  if (text.length > MAX_NOTE_LENGTH) {
    return invalidRequest(`a note has at most ${MAX_NOTE_LENGTH} characters`)
  }
  return { status: 201, body: notes.add(token.subject, text.trim()) }
}

const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/profile',
    scope: 'profile',
    description: 'who the access token speaks for',
    handle: async (token) => ({
      status: 200,
      body: { subject: token.subject, client_id: token.clientId, scopes: token.scopes },
    }),
  },
  {
    method: 'GET',
    path: '/notes',
    scope: 'read',
    description: "the token subject's notes",
    handle: async (token, _request, notes) => ({
      status: 200,
      body: { subject: token.subject, notes: notes.list(token.subject) },
    }),
  },
  {
    method: 'POST',
    path: '/notes',
    scope: 'write',
    description: 'adds a note for the token subject: {"text": "..."}',
    handle: addNote,
  },
]

interface Route {
  readonly endpoint: Endpoint
  readonly protect: (request: IncomingMessage, response: ServerResponse) => Promise<AccessToken | undefined>
}

function sendJson(
  response: ServerResponse,
  { status, body }: JsonReply,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, {
    'Content-Type': 'application/json',
    // Answers carry one user's data: no shared cache may keep them.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  })
  response.end(JSON.stringify(body))
}

const failure = (status: number, error: string, description: string): JsonReply => ({
  status,
  body: { error, error_description: description },
})

function routeTable(verifier: Verifier): ReadonlyMap<string, ReadonlyMap<string, Route>> {
  const table = new Map<string, Map<string, Route>>()
  for (const endpoint of ENDPOINTS) {
    const methods = table.get(endpoint.path) ?? new Map<string, Route>()
    methods.set(endpoint.method, { endpoint, protect: requireScopeNode(verifier, endpoint.scope) })
    table.set(endpoint.path, methods)
  }
  return table
}

// The one public page: what this API offers and which scope each endpoint needs, derived from the table above.
function index(verifier: Verifier): JsonReply {
  return {
    status: 200,
    body: {
      issuer: verifier.settings.issuer,
      audience: verifier.settings.audience,
      authorization:
        'send an access token from the issuer, for the audience, as Authorization: Bearer <token>',
      endpoints: ENDPOINTS.map(({ method, path, scope, description }) => ({
        method,
        path,
        scope,
        description,
      })),
    },
  }
}

async function route(
  verifier: Verifier,
  table: ReadonlyMap<string, ReadonlyMap<string, Route>>,
  notes: NoteStore,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = URL.parse(request.url ?? '/', 'http://api.invalid')
  const method = request.method ?? 'GET'
  if (url?.pathname === '/' && method === 'GET') {
    sendJson(response, index(verifier))
    return
  }
  const methods = url === null ? undefined : table.get(url.pathname)
  if (methods === undefined) {
    sendJson(response, failure(404, 'not_found', 'there is no such endpoint; GET / lists them'))
    return
  }
  const found = methods.get(method)
  if (found === undefined) {
    const allow = [...methods.keys()].join(', ')
    sendJson(response, failure(405, 'method_not_allowed', `use ${allow}`), { Allow: allow })
    return
  }
  // Answers 400/401/403 (RFC 6750 §3) or 503 itself when the token does not do.
  const token = await found.protect(request, response)
  if (token === undefined) return
  try {
    sendJson(response, await found.endpoint.handle(token, request, notes))
  } catch (error) {
    if (!(error instanceof BodyError)) throw error
    sendJson(response, failure(error.status, 'invalid_request', error.message), { Connection: 'close' })
  }
}

export function createRequestListener(
  verifier: Verifier,
  notes: NoteStore,
): (request: IncomingMessage, response: ServerResponse) => void {
  const table = routeTable(verifier)
  return (request, response) => {
    route(verifier, table, notes, request, response).catch((error: unknown) => {
      console.error(`api: ${error instanceof Error ? error.message : 'unknown error'}`)
      if (response.headersSent) {
        response.destroy()
        return
      }
      sendJson(response, failure(500, 'server_error', 'the example API failed to handle this request'))
    })
  }
}
