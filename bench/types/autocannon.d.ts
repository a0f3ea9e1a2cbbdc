// The part of autocannon 9's API the bench uses; the package ships no types.
declare module 'autocannon' {
  export interface Request {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
    setupRequest?: (request: Request, context: object) => Request
  }

  export interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    timeout?: number
    requests?: Request[]
  }

  export interface Histogram {
    average: number
    total: number
    p50: number
    p99: number
  }

  export interface Result {
    /** Seconds. */
    duration: number
    /** Socket errors, timeouts included. */
    errors: number
    timeouts: number
    non2xx: number
    latency: Histogram
    requests: Histogram
    statusCodeStats: Record<string, { count: number }>
  }

  /** The running load: a promise of the result that also reports each response as it comes. */
  export interface Instance extends PromiseLike<Result> {
    on(event: 'response', listener: () => void): Instance
  }

  export default function autocannon(options: Options): Instance
}
