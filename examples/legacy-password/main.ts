import { createInterface } from 'node:readline/promises'
import { Writable } from 'node:stream'
import { demoSettings, secretOf } from '../demo/settings.ts'
import { type Credentials, runPasswordExample } from './password-flow.ts'

// `npm run example:password [-- username [password]]`: what is not given is asked for; the password unechoed.
async function credentials(): Promise<Credentials> {
  const [username, password] = process.argv.slice(2)
  if (username !== undefined && password !== undefined) return { username, password }
  let muted = false
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk)
      done()
    },
  })
  const lines = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true })
  // Lines are read through one iterator, which keeps those a pipe delivers before they are asked for.
  const answers = lines[Symbol.asyncIterator]()
  const answer = async (prompt: string, echo: boolean) => {
    process.stdout.write(prompt)
    muted = !echo
    const { value, done } = await answers.next()
    muted = false
    if (!echo) process.stdout.write('\n')
    if (done === true) throw new Error('The input ended before the question was answered.')
    return value
  }
  try {
    return {
      username: username ?? (await answer('Username: ', true)),
      password: await answer('Password: ', false),
    }
  } finally {
    lines.close()
  }
}

try {
  const { issuer, apiUrl, clients } = demoSettings(process.env)
  await runPasswordExample({
    issuer,
    clientId: clients.legacyPassword.clientId,
    clientSecret: secretOf(clients, 'legacyPassword'),
    apiUrl,
    print: console.log,
    credentials,
  })
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
}
