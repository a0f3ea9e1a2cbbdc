import { startApi } from './app.ts'

function required(name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') throw new Error(`${name} is required (see examples/api/README.md)`)
  return value
}

function port(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new Error(`API_PORT is not a port: ${text}`)
  return value
}

const issuer = required('KEYWARD_ISSUER')
const clientId = process.env.API_CLIENT_ID
const api = await startApi({
  issuer,
  // Keyward puts its issuer in `aud` unless configured with accessTokenAudience.
  audience: process.env.API_AUDIENCE || issuer,
  port: port(process.env.API_PORT ?? '3002'),
  ...(clientId === undefined || clientId === ''
    ? {}
    : { introspection: { clientId, clientSecret: required('API_CLIENT_SECRET') } }),
})
console.log(`Example API on ${api.url}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
