import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import { z } from 'zod'
import {
  type AccessToken,
  createVerifier,
  requireScopeNode,
  type Verifier,
} from '../../packages/resource-server/src/index.ts'
import { createNoteStore, type NoteStore } from '../api/notes.ts'
import { type Listening, listen } from '../listen.ts'

/** The scopes this MCP server defines; Keyward registers them with the resource (`keyward resources create`). */
export const MCP_SCOPES = { read: 'notes:read', write: 'notes:write' } as const

export interface McpServerOptions {
  /** The authorization server's issuer identifier. */
  readonly issuer: string
  // 0 picks any free port.
  readonly port: number
  readonly host?: string
}

export interface RunningMcpServer extends Listening {
  /** This server's resource identifier (RFC 8707, RFC 9728): the URL clients connect to, `<url>/mcp`. */
  readonly resource: string
}

type Tool = (token: AccessToken) => { content: { type: 'text'; text: string }[]; isError?: boolean }

const text = (value: string, isError = false) => ({
  content: [{ type: 'text' as const, text: value }],
  ...(isError ? { isError } : {}),
})

/** A tool that needs `scope`: the token's scopes decide, as the RFC 6750 middleware does for a route. */
function needing(scope: string, tool: Tool): Tool {
  return (token) =>
    token.scopes.includes(scope)
      ? tool(token)
      : text(`this tool needs the ${scope} scope, which the person did not grant`, true)
}

/** One MCP server per request (stateless Streamable HTTP): each call carries its own token. */
function mcpServerFor(token: AccessToken, notes: NoteStore): McpServer {
  const server = new McpServer({ name: 'keyward-notes', version: '1.0.0' })
  server.registerTool(
    'whoami',
    { description: 'Who the access token speaks for: subject, client and granted scopes.' },
    () =>
      text(
        JSON.stringify({ subject: token.subject, client_id: token.clientId, scopes: token.scopes }),
      ),
  )
  server.registerTool(
    'list_notes',
    { description: "The signed-in person's notes." },
    () => needing(MCP_SCOPES.read, (t) => text(JSON.stringify(notes.list(t.subject))))(token),
  )
  server.registerTool(
    'add_note',
    {
      description: 'Adds a note for the signed-in person.',
      inputSchema: { text: z.string().min(1).max(280) },
    },
    ({ text: note }) =>
      needing(MCP_SCOPES.write, (t) => text(JSON.stringify(notes.add(t.subject, note))))(token),
  )
  return server
}

function authInfo(token: AccessToken, raw: string, resource: string): AuthInfo {
  return {
    token: raw,
    clientId: token.clientId,
    scopes: [...token.scopes],
    expiresAt: Math.floor(token.expiresAt.getTime() / 1000),
    resource: new URL(resource),
  }
}

export async function startMcpServer(options: McpServerOptions): Promise<RunningMcpServer> {
  const notes = createNoteStore()
  let verifier: Verifier | undefined
  let resource = ''
  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    void handle(request, response).catch((error: unknown) => {
      console.error(`mcp: ${(error as Error).message}`)
      if (!response.headersSent) response.writeHead(500).end()
    })
  })
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path !== '/mcp' || verifier === undefined) return void response.writeHead(404).end()
    // Stateless Streamable HTTP: no server-sent stream to open (GET) and no session to end (DELETE).
    if (request.method !== 'POST') return void response.writeHead(405, { allow: 'POST' }).end()
    const token = await requireScopeNode(verifier)(request, response)
    if (token === undefined) return
    const raw = request.headers.authorization?.slice('Bearer '.length) ?? ''
    const server = mcpServerFor(token, notes)
    // No sessionIdGenerator: stateless mode.
    const transport = new StreamableHTTPServerTransport({})
    response.on('close', () => void transport.close().then(() => server.close()))
    ;(request as IncomingMessage & { auth?: AuthInfo }).auth = authInfo(token, raw, resource)
    await server.connect(transport)
    await transport.handleRequest(request, response)
  }
  const listening = await listen(http, options.port, options.host)
  resource = `${listening.url}/mcp`
  verifier = createVerifier({
    issuer: options.issuer,
    audience: resource,
    onIssuerError: (error) => console.error(`mcp: cannot verify tokens: ${error.message}`),
  })
  return { ...listening, resource }
}
