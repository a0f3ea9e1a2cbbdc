import type { ServerUnderTest, SetupOptions } from '../server.ts'
import { PEER_CLIENTS } from './peer-clients.ts'
import { setUpScriptServer } from './script-server.ts'

/** The peer: oidc-provider with its clients in configuration, so nothing to provision. */
export function setUpPeer(options: SetupOptions): Promise<ServerUnderTest> {
  return setUpScriptServer(
    {
      name: 'oidc-provider',
      role: 'peer',
      script: 'bench/servers/peer-server.ts',
      readyPath: '/.well-known/openid-configuration',
      // oidc-provider's default routes.
      paths: { token: '/token', introspection: '/token/introspection' },
      clients: PEER_CLIENTS,
      flow: null,
    },
    options,
  )
}
