import { Writable } from 'node:stream'
import { UsageError } from './context.ts'

/**
 * Asks for a secret on a terminal without showing it: the question goes to `output`, while readline, which echoes
 * what is typed, writes to a stream that drops everything. Ctrl+C cancels (readline in raw mode would otherwise
 * swallow it).
 */
export async function askSecret(
  question: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<string> {
  // Loaded at the first prompt: every command imports this module, `keyward start` among them, and only the
  // password commands ask (issue #14).
  const { createInterface } = await import('node:readline/promises')
  const nowhere = new Writable({ write: (_chunk, _encoding, done) => done() })
  // Raw mode (no echo by the terminal itself) is on before the question shows: nothing typed after it is seen.
  const reader = createInterface({ input, output: nowhere, terminal: true })
  output.write(question)
  const cancel = new AbortController()
  reader.once('SIGINT', () => cancel.abort())
  try {
    return await reader.question('', { signal: cancel.signal })
  } catch (error) {
    if (cancel.signal.aborted) throw new UsageError('Cancelled.')
    throw error
  } finally {
    reader.close()
    output.write('\n')
  }
}
