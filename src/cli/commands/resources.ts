import type { Command } from 'commander'
import {
  createResource,
  deleteResource,
  describeResource,
  type ResourceRegistration,
} from '../../core/index.ts'
import type { Environment } from '../config-source.ts'
import { existing, list, print, UsageError, withStores } from '../context.ts'
import { listCommand } from '../list-command.ts'

interface CreateOptions {
  identifier: string
  name: string
  scopes?: string
  accessTokenFormat?: string
  accessTokenTtl?: string
  serveMetadata?: boolean
  json?: boolean
}

function registrationFrom(options: CreateOptions): ResourceRegistration {
  const format = options.accessTokenFormat
  if (format !== undefined && format !== 'jwt' && format !== 'opaque') {
    throw new UsageError('--access-token-format is jwt or opaque.')
  }
  const ttl = options.accessTokenTtl
  if (ttl !== undefined && !/^\d+$/.test(ttl))
    throw new UsageError('--access-token-ttl takes a number of seconds.')
  return {
    identifier: options.identifier,
    name: options.name,
    scopes: list(options.scopes),
    ...(format === undefined ? {} : { accessTokenFormat: format }),
    ...(ttl === undefined ? {} : { accessTokenLifetime: Number(ttl) }),
    serveMetadata: options.serveMetadata === true,
  }
}

export function resourcesCommand(program: Command, env: Environment): void {
  const resources = program
    .command('resources')
    .description('register the APIs tokens are issued for (RFC 8707 resource indicators)')

  resources
    .command('create')
    .description('register a resource: clients name it in the resource parameter, tokens carry it in aud')
    .requiredOption('--identifier <uri>', 'its resource indicator: an absolute URI without a fragment')
    .requiredOption('--name <name>', 'the name people see on the consent page')
    .option('--scopes <list>', 'the scopes it defines (each configured on the server)')
    .option('--access-token-format <format>', "jwt or opaque (default: the client's setting)")
    .option('--access-token-ttl <seconds>', "access token lifetime (default: the client's or the server's)")
    .option('--serve-metadata', 'Keyward serves its RFC 9728 metadata (a resource on the issuer origin)')
    .option('--json', 'print one JSON object')
    .action(async (options: CreateOptions) => {
      await withStores(env, async (_stores, config, admin) => {
        const resource = await createResource(registrationFrom(options), admin)
        const described = describeResource(resource, config.issuer)
        print(options.json === true, described, () =>
          [
            `Created resource "${resource.name}"`,
            `  resource: ${resource.identifier}`,
            ...(described.metadata_url === null ? [] : [`  metadata: ${String(described.metadata_url)}`]),
          ].join('\n'),
        )
      })
    })

  listCommand(
    resources,
    env,
    'list',
    'list registered resources',
    async ({ stores, config }) =>
      (await stores.resources.list()).map((resource) => describeResource(resource, config.issuer)),
    {
      none: 'No resources.',
      line: (resource) => `${String(resource.resource)}  ${String(resource.resource_name)}`,
    },
  )

  resources
    .command('show <identifier>')
    .description('show one resource')
    .option('--json', 'print JSON')
    .action(async (identifier: string, options: { json?: boolean }) => {
      await withStores(env, async (stores, config) => {
        const resource = existing(await stores.resources.get(identifier), `resource ${identifier}`)
        const described = describeResource(resource, config.issuer)
        print(options.json === true, described, () => JSON.stringify(described, null, 2))
      })
    })

  resources
    .command('delete <identifier>')
    .description(
      "delete a resource and take it off clients' defaults; tokens issued for it live until they expire",
    )
    .action(async (identifier: string) => {
      await withStores(env, async (_stores, _config, admin) => {
        const clients = await deleteResource(identifier, admin)
        if (clients === null) throw new UsageError(`No resource ${identifier}.`)
        console.log(
          [
            `Deleted resource ${identifier}.`,
            ...(clients.length === 0
              ? []
              : [`It is no longer a default resource of: ${clients.join(', ')}.`]),
          ].join('\n'),
        )
      })
    })
}
