import { createServer } from 'node:http'
import express, { type Response } from 'express'
import { type Listening, listen } from '../listen.ts'
import { type HostReply, hostPages } from './host-pages.ts'
import { embedKeyward, type HostSetup } from './host.ts'
import { signInWith } from './sign-in.ts'

export interface Host extends Listening {
  readonly issuer: string
}

function reply(response: Response, { status, headers, body }: HostReply): void {
  response.status(status).set(headers).send(body)
}

/** An Express application that mounts Keyward at /auth with a Node request handler. */
export async function startExpressHost(setup: HostSetup, port: number): Promise<Host> {
  const auth = await embedKeyward(setup)
  const { keyward } = auth
  const app = express()
  // Keyward first: it reads its own forms, so no body parser may run before it.
  app.use(keyward.basePath, keyward.handler)
  app.get(keyward.metadataPath, keyward.handler)

  const issuer = `${setup.origin}${keyward.basePath}`
  const signIn = signInWith({ issuer, ...auth, redirectUri: `${setup.origin}/callback` })
  for (const page of hostPages('Express', setup.accounts, signIn)) {
    app.get(page.path, async (request, response) =>
      reply(response, await page.answer(new URL(request.originalUrl, setup.origin), request.headers.cookie)),
    )
  }

  const listening = await listen(createServer(app), port)
  return {
    ...listening,
    issuer,
    close: async () => {
      await listening.close()
      await auth.close()
    },
  }
}
