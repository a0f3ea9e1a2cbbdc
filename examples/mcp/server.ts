import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { z } from 'zod'
import {
  type AccessToken,
  createVerifier,
  requireScopeNode,
  resourceMetadataNode,
  type Verifier,
} from '../../packages/resource-server/src/index.ts'
import { createNoteStore, type NoteStore } from '../api/notes.ts'
import { listen, type Listening } from '../listen.ts'

/**
 * The scopes this MCP server defines, as Keyward's configuration declares them (`scopes` in KEYWARD_CONFIG); the
 * resource registration names them (`keyward resources create --scopes notes:read,notes:write`).
 */
export const MCP_SCOPES = [
  { name: 'notes:read', description: 'Read your notes' },
  { name: 'notes:write', description: 'Add notes for you' },
] as const
const [READ, WRITE] = MCP_SCOPES.map((scope) => scope.name) as [string, string]

/** The name people see on the consent page (Keyward's resource registration) and in the RFC 9728 metadata. */
export const MCP_RESOURCE_NAME = 'Notes MCP server'

/** Where the MCP endpoint is on the server's origin; the resource identifier is the URL of this path. */
export const MCP_PATH = '/mcp'

export interface McpServerOptions {
  /** The authorization server's issuer identifier. */
  readonly issuer: string
  // 0 picks any free port.
  readonly port: number
  readonly host?: string
  /**
   * The origin MCP clients reach this server at, when it is not the address it listens on (behind a proxy):
   * the resource identifier is `<publicUrl>/mcp`. Default: the listening address.
   */
  readonly publicUrl?: string
}

export interface RunningMcpServer extends Listening {
  /** This server's resource identifier (RFC 8707, RFC 9728): the URL clients connect to. */
  readonly resource: string
  /** Where its RFC 9728 metadata is served: what an MCP client reads first. */
  readonly metadataUrl: string
}

type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean }

const text = (value: string): ToolResult => ({ content: [{ type: 'text', text: value }] })

/** A tool that needs `scope`: the token's scopes decide, as the RFC 6750 middleware does for a route. */
function needing(scope: string, token: AccessToken, tool: () => ToolResult): ToolResult {
  if (token.scopes.includes(scope)) return tool()
  return { ...text(`This tool needs the ${scope} scope, which was not granted.`), isError: true }
}

/** One MCP server per request (stateless Streamable HTTP): each call carries its own token, which its tools close over. */
function mcpServerFor(token: AccessToken, notes: NoteStore): McpServer {
  const server = new McpServer({ name: 'keyward-notes', version: '1.0.0' })
  server.registerTool(
    'whoami',
    { description: 'Who the access token speaks for: subject, client, audience and granted scopes.' },
    () =>
      text(
        JSON.stringify({
          subject: token.subject,
          client_id: token.clientId,
          audience: token.audience,
          scopes: token.scopes,
        }),
      ),
  )
  server.registerTool('list_notes', { description: "The signed-in person's notes." }, () =>
    needing(READ, token, () => text(JSON.stringify(notes.list(token.subject)))),
  )
  server.registerTool(
    'add_note',
    {
      description: 'Adds a note for the signed-in person.',
      inputSchema: { text: z.string().min(1).max(280) },
    },
    ({ text: note }) => needing(WRITE, token, () => text(JSON.stringify(notes.add(token.subject, note)))),
  )
  return server
}

/**
 * An MCP server (Streamable HTTP, stateless) whose tools act for the person a Keyward access token speaks for.
 * It publishes its RFC 9728 metadata (so MCP clients find Keyward and the scopes to ask for), names it in every
 * 401, and accepts only tokens whose `aud` is its own identifier (RFC 8707).
 */
export async function startMcpServer(options: McpServerOptions): Promise<RunningMcpServer> {
  const notes = createNoteStore()
  const http = createServer()
  const listening = await listen(http, options.port, options.host)
  const resource = `${options.publicUrl ?? listening.url}${MCP_PATH}`
  // After listening: the identifier names the port the OS picked. A setting it refuses closes the server again.
  let verifier: Verifier
  try {
    verifier = createVerifier({
      issuer: options.issuer,
      audience: resource,
      resourceMetadata: { resourceName: MCP_RESOURCE_NAME, scopesSupported: [READ, WRITE] },
      onIssuerError: (error) => console.error(`mcp: cannot verify tokens: ${error.message}`),
    })
  } catch (error) {
    await listening.close()
    throw error
  }
  const serveMetadata = resourceMetadataNode(verifier)
  const requireToken = requireScopeNode(verifier)

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (serveMetadata(request, response)) return
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== MCP_PATH) {
      return void response.writeHead(404).end()
    }
    // Stateless Streamable HTTP: no server-sent stream to open (GET) and no session to end (DELETE).
    if (request.method !== 'POST') return void response.writeHead(405, { allow: 'POST' }).end()
    const token = await requireToken(request, response)
    if (token === undefined) return
    const server = mcpServerFor(token, notes)
    // No sessionIdGenerator: stateless mode, one transport per request.
    const transport = new StreamableHTTPServerTransport({})
    response.on('close', () => void transport.close().then(() => server.close()))
    await server.connect(transport)
    await transport.handleRequest(request, response)
  }

  http.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      console.error(`mcp: ${(error as Error).message}`)
      if (!response.headersSent) response.writeHead(500).end()
    })
  })
  const metadataUrl = verifier.resourceMetadata?.url
  if (metadataUrl === undefined) throw new Error('the verifier publishes resource metadata')
  return { ...listening, resource, metadataUrl }
}
