import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An API under test, listening on loopback. */
export interface Api {
  readonly url: string
  close(): Promise<void>
}

/** Starts `server` on a free loopback port; closing it drops open connections too. */
export async function listen(server: Server): Promise<Api> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
