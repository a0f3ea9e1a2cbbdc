import pg from 'pg'
import type { DatabaseTimeouts } from '../../core/index.ts'
import type { ChangeFeed, ExternalChange } from '../sql/change-feed.ts'
import { answeredWithin, STALL_GRACE_MS } from './stall-guard.ts'

/** The channel that migration 002's trigger notifies on every statement that writes the clients table. */
const clientsChannel = 'keyward_clients'
const firstRetryMs = 100
const maxRetryMs = 5000
/** How often a listening connection is asked to answer: one dropped silently (no reset) would never tell. */
const defaultHeartbeatMs = 10_000

/** A change feed with its own connection, which it closes. */
export interface ClientListener extends ChangeFeed {
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
  timeouts: Pick<DatabaseTimeouts, 'connectTimeoutMs' | 'statementTimeoutMs'>,
  {
    // Another table's channel (src/store/postgres/key-listener.ts); onChange hears what check() would report.
    channel = clientsChannel,
    onChange = ignore,
    heartbeatMs = defaultHeartbeatMs,
  }: { channel?: string; onChange?: () => void; heartbeatMs?: number } = {},
): ClientListener {
  let client: pg.Client | undefined
  let listening = false
  let changed = false
  let started = false
  let closed = false
  let retryMs = firstRetryMs
  let retry: NodeJS.Timeout | undefined
  let heartbeat: NodeJS.Timeout | undefined

  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString,
      application_name: 'keyward-listener',
      keepAlive: true,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
    })
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
    // Closed, or replaced, while connecting: this connection is no one's.
    if (next !== client) return void next.end().catch(ignore)
    changed = true
    listening = true
    retryMs = firstRetryMs
    onChange()
    // A heartbeat that gets no answer drops the connection, which reports it lost like any other drop.
    const beat = (): void => {
      heartbeat = setTimeout(() => {
        const answer = answeredWithin(next, timeouts.statementTimeoutMs + STALL_GRACE_MS, () =>
          next.query('SELECT 1'),
        )
        answer.catch(ignore).finally(() => next === client && beat())
      }, heartbeatMs)
      heartbeat.unref()
    }
    beat()
  }

  // Called once per connection that fails or drops (later events of the same connection find it replaced).
  const lost = (which: pg.Client): void => {
    if (which !== client) return
    client = undefined
    listening = false
    clearTimeout(heartbeat)
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
      clearTimeout(heartbeat)
      const last = client
      client = undefined
      listening = false
      await last?.end().catch(ignore)
    },
  }
}

function ignore(): void {}
