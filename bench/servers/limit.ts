import { freePort, launch } from '../child.ts'
import type { ServerUnderTest, SetupOptions } from '../server.ts'

/** The limit takes any request; its callers send the same headers and bodies as to the others. */
const ANYONE = { id: 'limit-client', secret: 'limit-secret-0123456789abcdefghijk' }

/** The limit: node:http answering any request at once, run like every other server. */
export async function setUpLimit(options: SetupOptions): Promise<ServerUnderTest> {
  const port = await freePort()
  return {
    name: 'limit',
    role: 'limit',
    paths: { token: '/token', introspection: '/introspect' },
    clients: { jwt: ANYONE, opaque: ANYONE, introspector: ANYONE },
    flow: {
      client: { ...ANYONE, redirectUri: 'http://127.0.0.1:9/callback' },
      user: { username: 'limit', password: 'limit-password' },
    },
    start: () =>
      launch({
        args: ['bench/servers/limit-server.ts'],
        env: { BENCH_PORT: String(port) },
        port,
        readyPath: '/',
        pinned: options.pinned,
      }),
    dispose: async () => {},
  }
}
