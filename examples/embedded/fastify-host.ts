import Fastify, { type FastifyReply } from 'fastify'
import type { Host } from './express-host.ts'
import { type HostReply, hostPages } from './host-pages.ts'
import { embedKeyward, type HostSetup } from './host.ts'
import { signInWith } from './sign-in.ts'

function reply(fastifyReply: FastifyReply, { status, headers, body }: HostReply): FastifyReply {
  return fastifyReply.code(status).headers(headers).send(body)
}

/** A Fastify application that mounts Keyward at /auth as a plugin, logging through the host's own logger. */
export async function startFastifyHost(setup: HostSetup, port: number): Promise<Host> {
  const auth = await embedKeyward(setup)
  const { keyward } = auth
  const app = Fastify({ loggerInstance: setup.logger })
  await app.register(keyward.fastifyPlugin, { prefix: keyward.basePath })
  await app.register(keyward.fastifyMetadataRoute)

  const issuer = `${setup.origin}${keyward.basePath}`
  const signIn = signInWith({ issuer, ...auth, redirectUri: `${setup.origin}/callback` })
  for (const page of hostPages('Fastify', setup.accounts, signIn)) {
    app.get(page.path, async (request, response) =>
      reply(response, await page.answer(new URL(request.url, setup.origin), request.headers.cookie)),
    )
  }

  const url = await app.listen({ host: '127.0.0.1', port })
  return {
    url,
    issuer,
    close: async () => {
      await app.close()
      await auth.close()
    },
  }
}
