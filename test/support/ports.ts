import { type AddressInfo, createServer, type Server } from 'node:net'

/** Listens on `port` of 127.0.0.1 (0: one the OS picks); rejects if it is taken. */
export function listen(port: number): Promise<Server> {
  const server = createServer()
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

export const close = (server: Server): Promise<void> =>
  new Promise<void>((resolve) => server.close(() => resolve()))

/**
 * `count` distinct ports of 127.0.0.1 the OS picked, free a moment ago: held all at once while they are picked,
 * so none repeats, and none needs its neighbours free.
 */
export async function freePorts(count: number): Promise<number[]> {
  const held = await Promise.all(Array.from({ length: count }, () => listen(0)))
  const ports = held.map((server) => (server.address() as AddressInfo).port)
  await Promise.all(held.map(close))
  return ports
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1)
  return port as number
}
