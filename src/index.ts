// What the `keyward` package exports to code that embeds it: start a server, read or parse its configuration,
// open its stores. The command line is the package's bin (src/cli/main.ts).
export { type RunningServer, type ServerOptions, startServer } from './server.ts'
export {
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
