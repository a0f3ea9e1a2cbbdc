import type { ServerUnderTest, SetupOptions } from '../server.ts'
import { setUpScriptServer } from './script-server.ts'

/** The reference checks no credentials; its callers send the same headers and bodies as to the others. */
const ANYONE = { id: 'reference-client', secret: 'reference-secret-0123456789abcdefgh' }

/** The reference (reference-server.ts): Fastify signing one ES256 JWT per request, run like every other server. */
export function setUpReference(options: SetupOptions): Promise<ServerUnderTest> {
  return setUpScriptServer(
    {
      name: 'fastify-es256',
      role: 'reference',
      script: 'bench/servers/reference-server.ts',
      readyPath: '/',
      paths: { token: '/token', introspection: '/introspect' },
      clients: { jwt: ANYONE },
      flow: null,
    },
    options,
  )
}
