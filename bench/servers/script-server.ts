import { freePort, launch } from '../child.ts'
import type { ServerUnderTest, SetupOptions } from '../server.ts'

/** What describes a server run from one script that needs no provisioning: the limit, the reference, the peer. */
export type ScriptServerSpec = Omit<ServerUnderTest, 'start' | 'dispose'> & {
  /** The script, relative to the repository; it listens on 127.0.0.1 at the port in BENCH_PORT. */
  readonly script: string
  /** Answered with 200 once the server is ready. */
  readonly readyPath: string
}

export async function setUpScriptServer(
  spec: ScriptServerSpec,
  options: SetupOptions,
): Promise<ServerUnderTest> {
  const { script, readyPath, ...server } = spec
  const port = await freePort()
  return {
    ...server,
    start: () =>
      launch({ args: [script], env: { BENCH_PORT: String(port) }, port, readyPath, pinned: options.pinned }),
    dispose: async () => {},
  }
}
