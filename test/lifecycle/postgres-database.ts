import { randomBytes } from 'node:crypto'
import pg from 'pg'

const SERVER = 'postgres://postgres@127.0.0.1:5432'

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres (see DESIGN.md §7 to start it): ${error}`,
    )
  }
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** An empty database of its own for one test file; `drop` removes it, so nothing is left behind. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `keyward_lifecycle_${process.pid}_${randomBytes(4).toString('hex')}`
  await admin(`CREATE DATABASE ${name}`)
  return { url: `${SERVER}/${name}`, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}
