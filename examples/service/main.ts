import { demoSettings, secretOf } from '../demo/settings.ts'
import { runService } from './service.ts'

// `npm run example:service`, in a second terminal while the demo (`npm start`) runs.
try {
  const { issuer, apiUrl, clients } = demoSettings(process.env)
  await runService({
    issuer,
    clientId: clients.service.clientId,
    clientSecret: secretOf(clients, 'service'),
    apiUrl,
    print: console.log,
  })
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
}
