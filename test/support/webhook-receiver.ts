import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { DocumentSite } from './document-site.ts'

/** One request the receiver got: its Standard Webhooks headers, body, whether the signature held, and the answer. */
export interface WebhookDelivery {
  readonly id: string
  readonly verified: boolean
  readonly status: number
  readonly body: string
  readonly payload: { type: string; timestamp: string; data: Record<string, unknown> }
}

/** A fresh signing secret in the Standard Webhooks form (whsec_ and 32 random bytes, base64). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`

/**
 * The receiver's own check, written from the Standard Webhooks specification (not Keyward's code): HMAC-SHA256
 * keyed with the bytes after whsec_, over `id.timestamp.body`; any `v1,` signature matches, in constant time;
 * a timestamp more than five minutes off is refused (replays).
 */
export function verifyWebhook(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id']
  const timestamp = headers['webhook-timestamp']
  const signatures = headers['webhook-signature']
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest()
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',')
    const given = Buffer.from(signature ?? '', 'base64')
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected)
  })
}

/**
 * An event webhook at `path` of an https test site: it verifies each request's signature, records it, and answers
 * the next status of `statuses` (200 once they run out), or never when `hold` (a dead receiver).
 */
export function webhookReceiver(
  site: DocumentSite,
  path: string,
  secret: string,
  options: { statuses?: number[]; hold?: boolean } = {},
) {
  const statuses = [...(options.statuses ?? [])]
  const deliveries: WebhookDelivery[] = []
  site.route(path, (request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      const verified = verifyWebhook(secret, request.headers, body)
      const status = verified ? (statuses.shift() ?? 200) : 401
      deliveries.push({
        id: String(request.headers['webhook-id']),
        verified,
        status,
        body,
        payload: JSON.parse(body) as WebhookDelivery['payload'],
      })
      if (!options.hold) response.writeHead(status).end()
    })
  })
  return {
    url: site.url(path),
    deliveries,
    /** The events the receiver accepted (answered 2xx), by type. */
    accepted: (type: string) =>
      deliveries.filter((delivery) => delivery.status === 200 && delivery.payload.type === type),
  }
}
