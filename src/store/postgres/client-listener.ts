import pg from 'pg'
import type { ExternalChange } from '../sql/driver.ts'

/** The channel that migration 002's trigger notifies on every statement that writes the clients table. */
const clientsChannel = 'keyward_clients'
const firstRetryMs = 100
const maxRetryMs = 5000

export interface ClientListener {
  /** Starts listening on the first ask; 'unknown' until LISTEN holds and whenever the connection is lost. */
  check(): ExternalChange
  close(): Promise<void>
}

/**
 * One dedicated connection that LISTENs for writes to the clients table by any process or node. A
 * notification sent while it is not listening is lost, so every (re)connection counts as a change.
 */
export function listenForClientChanges(
  connectionString: string,
  // Another table's channel (src/store/postgres/key-listener.ts); onChange hears what check() would report.
  { channel = clientsChannel, onChange = ignore }: { channel?: string; onChange?: () => void } = {},
): ClientListener {
  let client: pg.Client | undefined
  let listening = false
  let changed = false
  let started = false
  let closed = false
  let retryMs = firstRetryMs
  let retry: NodeJS.Timeout | undefined

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString, application_name: 'keyward-listener', keepAlive: true })
    client = next
    next.on('notification', () => {
      changed = true
      onChange()
    })
    next.on('error', () => lost(next))
    next.on('end', () => lost(next))
    try {
      await next.connect()
      await next.query(`LISTEN ${channel}`)
    } catch {
      lost(next)
      return
    }
    if (next !== client) return
    changed = true
    listening = true
    retryMs = firstRetryMs
    onChange()
  }

  // Called once per connection that fails or drops (later events of the same connection find it replaced).
  const lost = (which: pg.Client): void => {
    if (which !== client) return
    client = undefined
    listening = false
    which.end().catch(ignore)
    retry = setTimeout(connect, retryMs)
    retryMs = Math.min(retryMs * 2, maxRetryMs)
  }

  return {
    check() {
      if (!listening) {
        if (!started && !closed) {
          started = true
          void connect()
        }
        return 'unknown'
      }
      if (!changed) return 'unchanged'
      changed = false
      return 'changed'
    },
    async close() {
      closed = true
      clearTimeout(retry)
      const last = client
      client = undefined
      listening = false
      await last?.end().catch(ignore)
    },
  }
}

function ignore(): void {}
