import type { FastifyInstance } from 'fastify'

/** One thing a node needs before it can serve: resolves when it is there, rejects (or throws) when it is not. */
export interface ReadinessCheck {
  /** Named in the `/ready` reply: `database`, `signing_keys`, `redis`. */
  readonly name: string
  check(): Promise<void> | void
}

/**
 * `/health` (the process is alive: no I/O, a restart is the cure when it stops answering) and `/ready` (it can
 * serve: every check passes, else 503 naming the ones that failed, so that a load balancer sends traffic
 * elsewhere without restarting it). Both are asked every second or so by probes: never cached, no CORS (no
 * browser has any business reading them), registered on the server's root context, outside Keyward's routes.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get('/health', (_request, reply) => reply.header('Cache-Control', 'no-store').send({ status: 'ok' }))
  app.get('/ready', async (_request, reply) => {
    // All at once: a probe waits for the slowest check, not for their sum. Each dependency bounds its own wait
    // (PostgreSQL's acquire and statement timeouts, Redis's fail-fast connection).
    const outcomes = await Promise.allSettled(checks.map(async (each) => each.check()))
    const results = Object.fromEntries(
      checks.map((each, index) => [each.name, outcomes[index]?.status === 'fulfilled' ? 'ok' : 'failed']),
    )
    const ready = outcomes.every((outcome) => outcome.status === 'fulfilled')
    return reply
      .code(ready ? 200 : 503)
      .header('Cache-Control', 'no-store')
      .send({ status: ready ? 'ok' : 'unavailable', checks: results })
  })
}
