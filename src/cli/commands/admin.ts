import type { Command } from 'commander'
import { ADMIN_READ, ADMIN_WRITE, createAdminClient, describeClient } from '../../core/index.ts'
import type { Environment } from '../config-source.ts'
import { print, withStores } from '../context.ts'

export function adminCommand(program: Command, env: Environment): void {
  const admin = program.command('admin').description('the admin API (/admin) and who may call it')

  admin
    .command('create-client')
    .description(
      `register a client of the admin API: confidential, client_credentials, with ${ADMIN_READ} and ` +
        `${ADMIN_WRITE} (the only way to get them); its secret is shown once`,
    )
    .requiredOption('--name <name>', 'what the client is, e.g. "deployment pipeline"')
    .option('--read-only', `only ${ADMIN_READ}: it may look, never change`)
    .option('--json', 'print one JSON object')
    .action(async (options: { name: string; readOnly?: boolean; json?: boolean }) => {
      await withStores(env, async (_stores, config, context) => {
        const { client, secret } = await createAdminClient(
          options.name,
          { write: options.readOnly !== true },
          context,
        )
        print(options.json === true, { ...describeClient(client), client_secret: secret }, () =>
          [
            `Created admin client "${client.name}" (${client.scopes.join(' ')})`,
            `  client_id:     ${client.id}`,
            `  client_secret: ${secret}`,
            '  (shown once: Keyward keeps only its digest)',
            `Get a token: POST ${config.issuer}/token with grant_type=client_credentials and these credentials;`,
            `the API is described at ${config.issuer}/admin/openapi.json.`,
          ].join('\n'),
        )
      })
    })
}
