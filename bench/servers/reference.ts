import { freePort, launch } from '../child.ts'
import type { ServerUnderTest, SetupOptions } from '../server.ts'

/** The reference checks no credentials; its callers send the same headers and bodies as to the others. */
const ANYONE = { id: 'reference-client', secret: 'reference-secret-0123456789abcdefgh' }

/** The reference (reference-server.ts): Fastify signing one ES256 JWT per request, run like every other server. */
export async function setUpReference(options: SetupOptions): Promise<ServerUnderTest> {
  const port = await freePort()
  return {
    name: 'fastify-es256',
    role: 'reference',
    paths: { token: '/token', introspection: '/introspect' },
    clients: { jwt: ANYONE },
    flow: null,
    start: () =>
      launch({
        args: ['bench/servers/reference-server.ts'],
        env: { BENCH_PORT: String(port) },
        port,
        readyPath: '/',
        pinned: options.pinned,
      }),
    dispose: async () => {},
  }
}
