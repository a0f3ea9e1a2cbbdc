import { connect } from 'node:net'

/** One HTTP/1.1 response read off a raw socket. */
export interface RawResponse {
  readonly status: number
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: ReadonlyMap<string, string>
  readonly body: Buffer
}

/** What came back for bytes written to a raw socket: a response, a close without one, or nothing in time. */
export type RawOutcome =
  | { readonly kind: 'response'; readonly response: RawResponse }
  | { readonly kind: 'closed' }
  | { readonly kind: 'hung' }

export interface RawOptions {
  /** A loopback source address, so that per-address limits see many clients (any 127.x.y.z works on Linux). */
  readonly localAddress?: string
  /** HEAD responses announce a length but carry no body. */
  readonly head?: boolean
  /**
   * Half-closes the socket after writing, as a client that has nothing more to send. Node then drops a request
   * still in progress (httpAllowHalfOpen is off), so only bytes that need no answer to be judged are sent so.
   */
  readonly endAfterWrite?: boolean
  /** Reads past the first response until the server closes (`closed`), to see whether it ever does. */
  readonly keepReading?: boolean
  readonly timeoutMs?: number
}

function headersOf(head: string): Map<string, string> {
  const headers = new Map<string, string>()
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    const before = headers.get(name)
    headers.set(name, before === undefined ? value : `${before}, ${value}`)
  }
  return headers
}

/** The body of a chunked message, or null while its last chunk has not arrived. */
function dechunk(data: Buffer): Buffer | null {
  const parts: Buffer[] = []
  let at = 0
  for (let chunk = 0; chunk < 100_000; chunk++) {
    const lineEnd = data.indexOf('\r\n', at)
    if (lineEnd === -1) return null
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16)
    if (Number.isNaN(size)) return Buffer.concat(parts)
    if (size === 0) return Buffer.concat(parts)
    if (data.length < lineEnd + 2 + size + 2) return null
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}

/** The first response in `data`, or null while it is incomplete (`closed`: no more bytes will come). */
function parseResponse(data: Buffer, head: boolean, closed: boolean): RawResponse | null {
  const headEnd = data.indexOf('\r\n\r\n')
  if (headEnd === -1) return null
  const headText = data.subarray(0, headEnd).toString('latin1')
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(headText)
  if (status === null) return null
  // An interim answer (100 Continue) comes before the response itself.
  if (status[1]?.startsWith('1')) return parseResponse(data.subarray(headEnd + 4), head, closed)
  const headers = headersOf(headText)
  const rest = data.subarray(headEnd + 4)
  const code = Number(status[1])
  const response = (body: Buffer) => ({ status: code, headers, body })
  if (head || code === 204 || code === 304) return response(Buffer.alloc(0))
  const length = headers.get('content-length')
  if (length !== undefined) {
    const size = Number(length)
    return rest.length >= size ? response(rest.subarray(0, size)) : closed ? response(rest) : null
  }
  if ((headers.get('transfer-encoding') ?? '').includes('chunked')) {
    const body = dechunk(rest)
    return body === null ? (closed ? response(rest) : null) : response(body)
  }
  return closed ? response(rest) : null
}

/**
 * Writes `bytes` to a fresh connection to 127.0.0.1:`port` and reads the first response. Raw sockets send what
 * an HTTP client library refuses to: malformed request lines and headers, control bytes, conflicting lengths.
 */
export function rawExchange(
  port: number,
  bytes: Buffer | string,
  options: RawOptions = {},
): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    })
    const chunks: Buffer[] = []
    let settled = false
    const finish = (outcome: RawOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const timer = setTimeout(() => finish({ kind: 'hung' }), options.timeoutMs ?? 10_000)
    const read = (closed: boolean) => {
      if (options.keepReading) {
        if (closed) finish({ kind: 'closed' })
        return
      }
      const response = parseResponse(Buffer.concat(chunks), options.head ?? false, closed)
      if (response !== null) finish({ kind: 'response', response })
      else if (closed) finish({ kind: 'closed' })
    }
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      read(false)
    })
    socket.on('close', () => read(true))
    // A reset after the server answered and closed still leaves the answer to read.
    socket.on('error', () => read(true))
    socket.on('connect', () => {
      if (options.endAfterWrite ?? false) socket.end(bytes)
      else socket.write(bytes)
    })
  })
}
