import { startWebApp } from './app.ts'

function required(name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '')
    throw new Error(`${name} is required (see examples/web-app/README.md)`)
  return value
}

function port(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new Error(`WEB_APP_PORT is not a port: ${text}`)
  return value
}

const scope = process.env.WEB_APP_SCOPE
const apiUrl = process.env.WEB_APP_API_URL
const app = await startWebApp({
  issuer: required('KEYWARD_ISSUER'),
  clientId: required('WEB_APP_CLIENT_ID'),
  clientSecret: required('WEB_APP_CLIENT_SECRET'),
  port: port(process.env.WEB_APP_PORT ?? '3001'),
  ...(scope === undefined || scope === '' ? {} : { scope }),
  ...(apiUrl === undefined || apiUrl === '' ? {} : { apiUrl }),
})
console.log(`Example web app on ${app.url} (redirect URI ${app.redirectUri})`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
