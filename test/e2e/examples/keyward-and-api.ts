import { after } from 'node:test'
import { type Api, startApi } from '../../../examples/api/app.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

/** A real Keyward and the example API accepting its tokens (aud: the issuer); both go after the file's tests. */
export async function startKeywardAndApi(): Promise<{ keyward: TestServer; api: Api }> {
  const keyward = await startTestServer()
  after(() => keyward.close())
  const api = await startApi({
    issuer: keyward.issuer,
    audience: keyward.issuer,
    port: 0,
    clock: keyward.clock,
  })
  after(() => api.close())
  return { keyward, api }
}
