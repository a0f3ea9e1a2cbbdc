import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 that a fault test controls: it forwards to `target` until it is killed (every
 * socket destroyed, the port let go) or stalled (sockets held open, nothing forwarded either way).
 */
export interface TcpProxy {
  readonly port: number
  /** Destroys every connection and stops listening, as a crashed proxy or a dropped network would. */
  kill(): Promise<void>
  /** Listens again on the same port. */
  revive(): Promise<void>
  /** Holds every connection, old and new, without forwarding a byte: a database that stopped answering. */
  stall(): void
  /** Forwards again, including what was held during the stall. */
  resume(): void
  /** Connections opened through the proxy since it started. */
  readonly connections: number
}

interface Pair {
  readonly downstream: Socket
  upstream: Socket | undefined
  /** Bytes held during a stall, per direction, flushed on resume. */
  readonly held: { toUpstream: Buffer[]; toDownstream: Buffer[] }
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let port = 0
  const pairs = new Set<Pair>()
  let stalled = false
  let connections = 0
  let server: Server | undefined

  const openUpstream = (pair: Pair): void => {
    const upstream = connect(target.port, target.host)
    pair.upstream = upstream
    upstream.on('data', (chunk: Buffer) => {
      if (stalled) pair.held.toDownstream.push(chunk)
      else pair.downstream.write(chunk)
    })
    upstream.on('error', () => pair.downstream.destroy())
    upstream.on('close', () => pair.downstream.destroy())
    for (const chunk of pair.held.toUpstream.splice(0)) upstream.write(chunk)
  }

  const accept = (downstream: Socket): void => {
    connections++
    const pair: Pair = { downstream, upstream: undefined, held: { toUpstream: [], toDownstream: [] } }
    pairs.add(pair)
    downstream.on('data', (chunk: Buffer) => {
      if (stalled || pair.upstream === undefined) pair.held.toUpstream.push(chunk)
      else pair.upstream.write(chunk)
    })
    downstream.on('error', () => pair.upstream?.destroy())
    downstream.on('close', () => {
      pair.upstream?.destroy()
      pairs.delete(pair)
    })
    if (!stalled) openUpstream(pair)
  }

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const next = createServer(accept)
      next.once('error', reject)
      // Port 0 the first time; the same port again on revive, so the database URL stays valid.
      next.listen(port, '127.0.0.1', () => {
        server = next
        const address = next.address()
        if (address !== null && typeof address !== 'string') port = address.port
        resolve()
      })
    })

  await listen()
  return {
    get port() {
      return port
    },
    get connections() {
      return connections
    },
    async kill() {
      const closing = server
      server = undefined
      const closed = new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()))
      for (const pair of pairs) {
        pair.downstream.destroy()
        pair.upstream?.destroy()
      }
      pairs.clear()
      await closed
    },
    revive: listen,
    stall() {
      stalled = true
    },
    resume() {
      stalled = false
      for (const pair of pairs) {
        if (pair.upstream === undefined) {
          openUpstream(pair)
          continue
        }
        for (const chunk of pair.held.toUpstream.splice(0)) pair.upstream.write(chunk)
        for (const chunk of pair.held.toDownstream.splice(0)) pair.downstream.write(chunk)
      }
    },
  }
}
