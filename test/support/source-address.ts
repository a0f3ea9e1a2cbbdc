import { request } from 'node:http'

/**
 * fetch, but connecting from `localAddress`: on Linux every address of 127.0.0.0/8 is the loopback, so each one
 * reaches a test server as another client would, with the socket address the server throttles by. Enough of
 * fetch for the tests: a method, headers, a string or form body, no redirects followed.
 */
export function fetchFrom(localAddress: string): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input)
    const headers: Record<string, string> = {}
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value
    })
    const body = init.body === undefined || init.body === null ? undefined : String(init.body)
    if (init.body instanceof URLSearchParams) headers['content-type'] = 'application/x-www-form-urlencoded'
    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(
        url,
        { method: init.method ?? 'GET', headers, localAddress, agent: false },
        (incoming) => {
          const chunks: Buffer[] = []
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
          incoming.on('error', reject)
          incoming.on('end', () => {
            const replyHeaders = new Headers()
            for (const [name, value] of Object.entries(incoming.headers)) {
              for (const one of [value ?? []].flat()) replyHeaders.append(name, one)
            }
            resolve(
              new Response(chunks.length > 0 ? Buffer.concat(chunks) : null, {
                status: incoming.statusCode ?? 0,
                headers: replyHeaders,
              }),
            )
          })
        },
      )
      outgoing.on('error', reject)
      outgoing.end(body)
    })
  }) as typeof fetch
}
