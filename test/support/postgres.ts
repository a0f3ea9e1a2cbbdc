import { randomBytes } from 'node:crypto'
import pg from 'pg'

const SERVER = 'postgres://postgres@127.0.0.1:5432'

/**
 * Runs `work` on a connection to the maintenance database. An unreachable server fails loudly: tests that need
 * PostgreSQL never skip (`npm test`'s pretest starts it).
 */
export async function withPostgresAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres (npm test starts it when installed; CONTRIBUTING.md): ${error}`,
    )
  }
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** An empty database of its own, named for its user; `drop` removes it, so nothing is left behind. */
export async function createPostgresDatabase(
  label = 'test',
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `keyward_${label}_${process.pid}_${randomBytes(4).toString('hex')}`
  await withPostgresAdmin((client) => client.query(`CREATE DATABASE ${name}`))
  return {
    url: `${SERVER}/${name}`,
    drop: () =>
      withPostgresAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => {},
      ),
  }
}
