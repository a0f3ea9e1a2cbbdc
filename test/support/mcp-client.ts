import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js'
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js'

/**
 * The smallest OAuthClientProvider an MCP client application writes: everything kept in memory, the
 * authorization URL handed to whoever plays the person's browser. Nothing here speaks OAuth: the SDK does.
 */
export class InMemoryOAuthProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined
  #client: OAuthClientInformationMixed | undefined
  #tokens: OAuthTokens | undefined
  #verifier = ''
  readonly redirectUrl: string
  readonly clientMetadataUrl?: string

  constructor(redirectUrl: string, clientMetadataUrl?: string) {
    this.redirectUrl = redirectUrl
    if (clientMetadataUrl !== undefined) this.clientMetadataUrl = clientMetadataUrl
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP test agent',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#client
  }
  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.#client = information
  }
  tokens(): OAuthTokens | undefined {
    return this.#tokens
  }
  saveTokens(tokens: OAuthTokens): void {
    this.#tokens = tokens
  }
  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url
  }
  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier
  }
  codeVerifier(): string {
    return this.#verifier
  }
}

/**
 * Connects an MCP client to `serverUrl` the way an agent does: the first attempt is refused and sends the person
 * to authorize (`authorize` plays the browser and returns the code from the redirect), then the SDK exchanges the
 * code and the second attempt connects.
 */
export async function connectWithSignIn(
  serverUrl: URL,
  provider: InMemoryOAuthProvider,
  authorize: (url: URL) => Promise<string>,
): Promise<Client> {
  const first = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider })
  const refused = await new Client({ name: 'test-agent', version: '1.0.0' }).connect(first).then(
    () => undefined,
    (error: unknown) => error,
  )
  if (!(refused instanceof UnauthorizedError) || provider.authorizationUrl === undefined) {
    throw new Error(`expected the MCP server to ask for authorization, got: ${String(refused)}`)
  }
  await first.finishAuth(await authorize(provider.authorizationUrl))
  const client = new Client({ name: 'test-agent', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(serverUrl, { authProvider: provider }))
  return client
}
