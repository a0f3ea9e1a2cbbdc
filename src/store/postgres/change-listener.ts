import pg from 'pg'
import type { DatabaseTimeouts } from '../../core/index.ts'
import type { ChangeFeed, ExternalChange } from '../sql/change-feed.ts'
import { answeredWithin, STALL_GRACE_MS } from './stall-guard.ts'

/**
 * The tables whose writes every node hears of, each through the channel `keyward_<table>` that its migration's
 * trigger notifies (src/store/migrations/notify-on-change.ts: 002 clients, 004 signing_keys, 013 resources).
 */
export type WatchedTable = 'clients' | 'resources' | 'signing_keys'

const watchedTables: readonly WatchedTable[] = ['clients', 'resources', 'signing_keys']
const channelOf = (table: WatchedTable): string => `keyward_${table}`
/** Every channel in one round trip (a simple query may hold several statements). */
const listenStatement = watchedTables.map((table) => `LISTEN ${channelOf(table)}`).join('; ')
/** What `pg_stat_activity.application_name` shows for the listening connection. */
export const LISTENER_APPLICATION_NAME = 'keyward-listener'

const firstRetryMs = 100
const maxRetryMs = 5000
/** How often the listening connection is asked to answer: one dropped silently (no reset) would never tell. */
const defaultHeartbeatMs = 10_000

/** One process's ears on the writes of other processes and nodes; closing it closes only what it opened. */
export interface ChangeListener {
  /**
   * The feed a lookup cache asks before each lookup: 'unknown' until the connection listens and whenever it is
   * lost, 'changed' after a write to `table` and after every (re)connection. Asking it starts listening.
   */
  feed(table: WatchedTable): ChangeFeed
  /** Calls `onChange` on every write to `table`, and once it is first heard and after every reconnection. */
  watch(table: WatchedTable, onChange: () => void): void
  close(): Promise<void>
}

/** Told of writes to its table, and whenever writes may have gone unheard (connecting, subscribing late). */
type Subscriber = { readonly table: WatchedTable; readonly changed: () => void }

/** The connection shared by every ChangeListener of the process on the same database and settings. */
interface Connection {
  readonly listening: () => boolean
  start(): void
  add(subscriber: Subscriber): void
  remove(subscriber: Subscriber): void
  acquire(): void
  /** Ends the connection once its last user released it. */
  release(): Promise<void>
}

// One LISTEN connection per process, however many Stores and key watches it opens on a database: each of
// `keyward start --workers N` holds one, not one per channel.
const connections = new Map<string, Connection>()

/**
 * A listener on the process's one LISTEN connection to `connectionString`, opened on the first ask of any of its
 * users and shared by all of them. A notification sent while nobody listens is lost, so every (re)connection
 * counts as a change for everyone; the connection reconnects with backoff and never lets an error escape.
 */
export function listenForChanges(
  connectionString: string,
  timeouts: Pick<DatabaseTimeouts, 'connectTimeoutMs' | 'statementTimeoutMs'>,
  { heartbeatMs = defaultHeartbeatMs }: { heartbeatMs?: number } = {},
): ChangeListener {
  const key = JSON.stringify([
    connectionString,
    timeouts.connectTimeoutMs,
    timeouts.statementTimeoutMs,
    heartbeatMs,
  ])
  let connection = connections.get(key)
  if (connection === undefined) {
    connection = openConnection(connectionString, timeouts, heartbeatMs, () => connections.delete(key))
    connections.set(key, connection)
  }
  connection.acquire()
  const shared = connection
  const mine = new Set<Subscriber>()
  let closed = false
  const subscribe = (subscriber: Subscriber): boolean => {
    if (closed) return false
    mine.add(subscriber)
    shared.add(subscriber)
    return true
  }

  return {
    feed(table) {
      // A new feed vouches for nothing it did not hear: its first answer once listening is 'changed'.
      let changed = true
      subscribe({ table, changed: () => void (changed = true) })
      return {
        check(): ExternalChange {
          if (!shared.listening()) {
            if (!closed) shared.start()
            return 'unknown'
          }
          if (!changed) return 'unchanged'
          changed = false
          return 'changed'
        },
      }
    },
    watch(table, onChange) {
      if (subscribe({ table, changed: onChange })) shared.start()
    },
    async close() {
      if (closed) return
      closed = true
      for (const subscriber of mine) shared.remove(subscriber)
      mine.clear()
      await shared.release()
    },
  }
}

function openConnection(
  connectionString: string,
  timeouts: Pick<DatabaseTimeouts, 'connectTimeoutMs' | 'statementTimeoutMs'>,
  heartbeatMs: number,
  forget: () => void,
): Connection {
  const subscribers = new Set<Subscriber>()
  let users = 0
  let client: pg.Client | undefined
  let listening = false
  let started = false
  let closed = false
  let retryMs = firstRetryMs
  let retry: NodeJS.Timeout | undefined
  let heartbeat: NodeJS.Timeout | undefined

  const tell = (table?: WatchedTable): void => {
    for (const subscriber of subscribers)
      if (table === undefined || subscriber.table === table) subscriber.changed()
  }

  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
    })
    client = next
    next.on('notification', ({ channel }) => {
      const table = watchedTables.find((watched) => channelOf(watched) === channel)
      if (table !== undefined) tell(table)
    })
    next.on('error', () => lost(next))
    next.on('end', () => lost(next))
    try {
      await next.connect()
      await next.query(listenStatement)
    } catch {
      lost(next)
      return
    }
    // Closed, or replaced, while connecting: this connection is no one's.
    if (next !== client) return void next.end().catch(ignore)
    listening = true
    retryMs = firstRetryMs
    tell()
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
    listening: () => listening,
    start() {
      if (started || closed) return
      started = true
      void connect()
    },
    add(subscriber) {
      subscribers.add(subscriber)
      // Joining a connection that already listens: what was written before it joined went unheard.
      if (listening) queueMicrotask(() => subscribers.has(subscriber) && subscriber.changed())
    },
    remove: (subscriber) => void subscribers.delete(subscriber),
    acquire: () => void users++,
    async release() {
      if (--users > 0) return
      closed = true
      forget()
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
