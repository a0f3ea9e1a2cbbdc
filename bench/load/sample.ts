import type { HttpRequest } from '../http.ts'

/** What one round of load measured. */
export interface Sample {
  /** Completed requests (or flows) per second, errors included. */
  readonly rate: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Failed connections, timeouts and answers other than 2xx (or failed flows). */
  readonly errors: number
  readonly completed: number
  readonly seconds: number
  /** Why requests failed: the first failure of a round of flows, or the HTTP statuses other than 2xx. */
  readonly failure?: string
}

/** The work of one round, by how its requests come about. */
export type Workload =
  /** The same request over and over for the round's duration. */
  | { readonly kind: 'repeat'; readonly request: HttpRequest }
  /** Each request exactly once (single-use tokens); the round lasts as long as they take. */
  | { readonly kind: 'each-once'; readonly requests: readonly HttpRequest[] }
  /** A multi-step interaction, `concurrency` at a time, for the round's duration. */
  | {
      readonly kind: 'flows'
      readonly concurrency: number
      readonly flow: () => Promise<void>
      /** Frees what the flows share (a signed-in browser's connections) once the round is over. */
      readonly close?: () => void
    }
