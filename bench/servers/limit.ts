import type { ServerUnderTest, SetupOptions } from '../server.ts'
import { setUpScriptServer } from './script-server.ts'

/** The limit takes any request; its callers send the same headers and bodies as to the others. */
const ANYONE = { id: 'limit-client', secret: 'limit-secret-0123456789abcdefghijk' }

/** The limit: node:http answering any request at once (limit-server.ts), run like every other server. */
export function setUpLimit(options: SetupOptions): Promise<ServerUnderTest> {
  return setUpScriptServer(
    {
      name: 'limit',
      role: 'limit',
      script: 'bench/servers/limit-server.ts',
      readyPath: '/',
      paths: { token: '/token', introspection: '/introspect' },
      clients: { jwt: ANYONE, opaque: ANYONE, introspector: ANYONE },
      flow: {
        client: { ...ANYONE, redirectUri: 'http://127.0.0.1:9/callback' },
        user: { username: 'limit', password: 'limit-password' },
      },
    },
    options,
  )
}
