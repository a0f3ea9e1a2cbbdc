import { randomBytes } from 'node:crypto'
import { pino } from 'pino'
import { accountsOf } from './accounts.ts'
import { startExpressHost } from './express-host.ts'
import { startFastifyHost } from './fastify-host.ts'

// `npm run example:embedded`: two host applications, one Express and one Fastify, each with Keyward mounted at
// /auth, its own accounts, its own store and its own logger. Open either, sign in as ada / correct horse battery.
const PORTS = {
  express: Number(process.env.EXPRESS_PORT ?? 4300),
  fastify: Number(process.env.FASTIFY_PORT ?? 4301),
}

const accounts = await accountsOf([
  { id: 'account-1', username: 'ada', displayName: 'Ada Lovelace', password: 'correct horse battery' },
])
const logger = pino({ level: 'info' })
const secret = randomBytes(32).toString('base64url')
const express = await startExpressHost(
  { origin: `http://127.0.0.1:${PORTS.express}`, accounts, logger, secret },
  PORTS.express,
)
const fastify = await startFastifyHost(
  { origin: `http://127.0.0.1:${PORTS.fastify}`, accounts, logger, secret },
  PORTS.fastify,
)
console.log(`Express host: ${express.url}  (Keyward at ${express.issuer})`)
console.log(`Fastify host: ${fastify.url}  (Keyward at ${fastify.issuer})`)
console.log('Sign in as ada, password "correct horse battery". Ctrl+C stops both.')

process.once('SIGINT', () => {
  void Promise.all([express.close(), fastify.close()]).then(() => process.exit(0))
})
