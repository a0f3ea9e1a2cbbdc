import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { promisify } from 'node:util'
import { cliHome } from '../support/cli.ts'
import { startDocumentSite } from '../support/document-site.ts'
import { newWebhookSecret, webhookReceiver } from '../support/webhook-receiver.ts'

// An operator's change made with the CLI reaches the event webhook before the command exits. The command runs as
// a process of its own, trusting the receiver's test certificate the way Node lets any process (NODE_EXTRA_CA_CERTS).

const site = await startDocumentSite()
const home = cliHome()
after(async () => {
  await site.close()
  home.remove()
})

test('keyward clients create posts client_created to the webhook, signed, before it exits', async () => {
  const secret = newWebhookSecret()
  const receiver = webhookReceiver(site, '/cli-events', secret)
  const caFile = join(home.directory, 'receiver-ca.pem')
  writeFileSync(caFile, site.ca)
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['bin/keyward.js', 'clients', 'create', '--name', 'Made by the CLI', '--kind', 'service', '--json'],
    {
      env: {
        ...process.env,
        ...home.env,
        NODE_EXTRA_CA_CERTS: caFile,
        KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES: 'true',
        KEYWARD_EVENTS_WEBHOOK_URL: receiver.url,
        KEYWARD_EVENTS_WEBHOOK_SECRET: secret,
      },
    },
  )
  const clientId = (JSON.parse(stdout) as { client_id: string }).client_id
  const [created] = receiver.accepted('client_created')
  assert.ok(created?.verified, 'delivered and signed by the time the command exited')
  assert.deepEqual(created.payload.data, { event: 'client_created', clientId })
})
