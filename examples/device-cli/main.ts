import { setTimeout as sleep } from 'node:timers/promises'
import { demoSettings } from '../demo/settings.ts'
import { runDeviceCli } from './device-flow.ts'

// `npm run example:device`, in a second terminal while the demo (`npm start`) runs.
try {
  const { issuer, apiUrl, clients } = demoSettings(process.env)
  await runDeviceCli({ issuer, clientId: clients.deviceCli.clientId, apiUrl, print: console.log, sleep })
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
}
