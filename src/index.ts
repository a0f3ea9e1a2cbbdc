// What the `keyward` package exports to code that runs or embeds it: start a server, or mount Keyward in an
// existing Fastify or Express application; read or parse its configuration; open its stores; bring the people who
// sign in. The command line is the package's bin (src/cli/main.ts).
export { type RunningServer, type ServerOptions, startServer } from './server.ts'
export { StartupFailure } from './startup-failure.ts'
export { createKeyward, type EmbeddedKeyward, type EmbedOptions } from './embed.ts'
export {
  type ClientRegistration,
  type Clock,
  type Config,
  ConfigError,
  type ConfigInput,
  type CoreContext,
  parseConfig,
  type Random,
} from './core/index.ts'
export { type Environment, loadConfig } from './cli/config-source.ts'
export { migrateDatabase, openStores } from './store/index.ts'
export type { Stores } from './core/ports/stores.ts'
export type { People, Person, Verification } from './core/ports/people.ts'
export type { Client } from './core/model/client.ts'
