import { freePort, launch } from '../child.ts'
import type { ServerUnderTest, SetupOptions } from '../server.ts'
import { PEER_CLIENTS } from './peer-clients.ts'

/** The peer: oidc-provider with its clients in configuration, so nothing to provision. */
export async function setUpPeer(options: SetupOptions): Promise<ServerUnderTest> {
  const port = await freePort()
  return {
    name: 'oidc-provider',
    role: 'peer',
    // oidc-provider's default routes.
    paths: { token: '/token', introspection: '/token/introspection' },
    clients: PEER_CLIENTS,
    flow: null,
    start: () =>
      launch({
        args: ['bench/servers/peer-server.ts'],
        env: { BENCH_PORT: String(port) },
        port,
        readyPath: '/.well-known/openid-configuration',
        pinned: options.pinned,
      }),
    dispose: async () => {},
  }
}
