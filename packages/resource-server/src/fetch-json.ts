import { IssuerError } from './errors.ts'

export interface JsonAnswer {
  readonly status: number
  /** The parsed body when the status is 200; undefined otherwise. */
  readonly body: unknown
}

/** Every way the issuer can fail to answer becomes an IssuerError, never a verdict on the token. */
export async function fetchJson(
  what: string,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<JsonAnswer> {
  let response: Response
  try {
    response = await fetch(url, {
      ...init,
      headers: { accept: 'application/json', ...init.headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (cause) {
    throw new IssuerError(`could not reach the ${what} at ${url}`, { cause })
  }
  if (response.status !== 200) {
    await response.body?.cancel()
    return { status: response.status, body: undefined }
  }
  try {
    return { status: 200, body: await response.json() }
  } catch (cause) {
    throw new IssuerError(`the ${what} at ${url} did not answer JSON`, { cause })
  }
}

export const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
