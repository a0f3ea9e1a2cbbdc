import { createServer } from 'node:http'
import { after } from 'node:test'
import { freePort } from './ports.ts'

/** One request a client's site received: what a test checks never reached it, or reached it by POST. */
export interface ReceivedRequest {
  readonly method: string
  readonly url: string
  readonly body: string
}

/**
 * A client's site for browser tests, closed after the file's tests: `/callback` answers `page`, anything else
 * 404, and every request is recorded.
 */
export async function startCallbackSite(
  page: string,
): Promise<{ callback: string; received: ReceivedRequest[] }> {
  const port = await freePort()
  const received: ReceivedRequest[] = []
  const site = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', body })
      if (request.url?.startsWith('/callback')) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page)
      } else {
        response.writeHead(404).end()
      }
    })
  })
  await new Promise<void>((resolve) => site.listen(port, '127.0.0.1', resolve))
  after(() => new Promise((resolve) => site.close(resolve)))
  return { callback: `http://127.0.0.1:${port}/callback`, received }
}
