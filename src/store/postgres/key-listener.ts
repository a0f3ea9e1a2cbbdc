import type { DatabaseTimeouts } from '../../core/index.ts'
import { listenForClientChanges } from './client-listener.ts'

/** The channel that migration 004's trigger notifies on every statement that writes the signing_keys table. */
const channel = 'keyward_signing_keys'

/**
 * Calls `onChange` when any process or node writes the signing keys, and on every (re)connection of its
 * listening connection (a notification sent while it was down is lost).
 */
export function listenForKeyChanges(
  connectionString: string,
  timeouts: Pick<DatabaseTimeouts, 'connectTimeoutMs' | 'statementTimeoutMs'>,
  onChange: () => void,
): { close(): Promise<void> } {
  const listener = listenForClientChanges(connectionString, timeouts, { channel, onChange })
  // The clients' listener connects on the first lookup; nothing looks keys up, so this one connects now.
  listener.check()
  return listener
}
