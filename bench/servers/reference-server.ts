// The reference: the least a Node route can do for a JWT client-credentials request. Fastify (the framework
// Keyward uses), the form parsed, the Basic header decoded, one ES256 access token signed with Keyward's own
// signer, and the JSON reply; no client lookup, no secret check, no scope logic. Keyward's ratio to it is the
// share of this floor that Keyward's own work leaves; the peer's ratio to it bounds what any multiple of the
// peer can reach on this machine.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import { signJwt } from '../../src/core/tokens/jwt.ts'

const key = {
  kid: 'reference',
  alg: 'ES256',
  privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
} as const
const app = Fastify()
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
  done(null, new URLSearchParams(body as string)),
)
app.get('/', (_request, reply) => reply.send({ reference: true }))
app.post('/token', (request, reply) => {
  const form = request.body as URLSearchParams
  const [clientId = ''] = Buffer.from((request.headers.authorization ?? '').slice(6), 'base64')
    .toString()
    .split(':')
  const now = Math.floor(Date.now() / 1000)
  const scope = form.get('scope') ?? ''
  const token = signJwt(
    {
      iss: 'http://127.0.0.1',
      sub: clientId,
      aud: 'http://127.0.0.1',
      exp: now + 600,
      iat: now,
      jti: randomBytes(16).toString('base64url'),
      client_id: clientId,
      scope,
    },
    key,
    'at+jwt',
  )
  return reply
    .header('cache-control', 'no-store')
    .send({ access_token: token, token_type: 'Bearer', expires_in: 600, scope })
})
await app.listen({ port: Number(process.env.BENCH_PORT), host: '127.0.0.1' })
