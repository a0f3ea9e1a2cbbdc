// The constructors of EndpointResult (model/endpoint-result.ts) that core operations answer with.
import { errorBody, type OAuthError, TooManyRequests } from './errors.ts'
import type { EndpointResult } from './model/endpoint-result.ts'
import type { ErrorPage, Page } from './model/pages.ts'

/** JSON that no cache keeps (RFC 6749 §5.1 for token responses; every answer about a client or a token). */
export function jsonResult(body: object, status = 200): EndpointResult {
  return { kind: 'json', status, body }
}

/** RFC 6749 §5.2: an error as the JSON body a client reads. */
export function errorResult(error: OAuthError): EndpointResult {
  return { kind: 'json', status: error.status, body: errorBody(error), error }
}

/** Statuses that say a page is missing or takes another method: no OAuth error a person could quote. */
const NOT_A_PROTOCOL_ERROR = new Set([404, 405])

/**
 * An error as a page for a person. The status is the error's, except 401: RFC 9110 §15.5.2 ties it to an
 * authentication challenge, which a page has none of.
 */
export function errorPageResult(
  error: OAuthError,
  title?: string,
  more: Pick<ErrorPage, 'advice' | 'appHome'> = {},
): EndpointResult {
  const retryAfterSeconds = error instanceof TooManyRequests ? error.retryAfterSeconds : undefined
  return {
    kind: 'page',
    status: error.status === 401 ? 400 : error.status,
    error,
    page: {
      view: 'error',
      model: {
        title: title ?? (retryAfterSeconds === undefined ? 'Something went wrong' : 'Too many attempts'),
        message: error.description,
        ...(NOT_A_PROTOCOL_ERROR.has(error.status) ? {} : { code: error.code }),
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
        ...more,
      },
    },
  }
}

export function pageResult(page: Page, status = 200, error?: OAuthError): EndpointResult {
  return { kind: 'page', status, page, ...(error === undefined ? {} : { error }) }
}
