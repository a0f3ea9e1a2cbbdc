import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An example app's HTTP server, listening. */
export interface Listening {
  /** Where it listens: http://host:port. */
  readonly url: string
  /** Stops accepting, drops idle keep-alive connections, and resolves once closed. */
  close(): Promise<void>
}

/** Starts `http` on host:port (0 picks any free port), as every example app does. */
export async function listen(http: Server, port: number, host = '127.0.0.1'): Promise<Listening> {
  http.listen(port, host)
  await once(http, 'listening')
  const { address, family, port: bound } = http.address() as AddressInfo
  return {
    url: `http://${family === 'IPv6' ? `[${address}]` : address}:${bound}`,
    close: async () => {
      http.close()
      http.closeIdleConnections()
      await once(http, 'close')
    },
  }
}
