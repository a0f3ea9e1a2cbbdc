import {
  ClientRegistrationError,
  confirmSectorIdentifier,
  registerClient,
  reregisterClient,
} from '../client-registration.ts'
import type { CoreContext } from '../context.ts'
import {
  InvalidClientMetadata,
  InvalidRedirectUri,
  InvalidRequest,
  InvalidToken,
  type OAuthError,
} from '../errors.ts'
import { ENDPOINT_PATHS } from '../endpoints/metadata.ts'
import type { Client } from '../model/client.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import type { ThrottlePolicy } from '../ports/throttle.ts'
import { attemptSource } from '../protocol/address.ts'
import { bearerHeaderToken } from '../protocol/bearer.ts'
import { digest, matchesDigest } from '../protocol/digest.ts'
import { randomToken } from '../random.ts'
import { tooManyAttempts } from '../refusal.ts'
import { errorResult, jsonResult } from '../results.ts'
import { clientMetadata, requestedClient } from './metadata.ts'
import { selfClaimedSectorProblem } from '../oidc/sector-identifier.ts'

/** What a registration request carries: the JSON body, the Authorization header and where it came from. */
export interface RegistrationRequest {
  readonly body: unknown
  readonly authorization: string | undefined
  readonly address: string
}

/** A request to the client configuration endpoint (RFC 7592 §2) of one client. */
export interface ConfigurationRequest extends RegistrationRequest {
  readonly clientId: string
}

/** Registration requests from one address: `registration.perAddressPerHour` in a fixed hour, refused or not. */
function registrationPolicy(deps: Pick<CoreContext, 'config'>): ThrottlePolicy {
  return { limit: deps.config.registration.perAddressPerHour, windowSeconds: 60 * 60 }
}

type Deps = CoreContext

/** The registration endpoint is there only while the operator's policy lets clients register. */
function refuseWhenOff(deps: Pick<CoreContext, 'config'>): EndpointResult | null {
  if (deps.config.registration.policy !== 'off') return null
  return errorResult(
    new InvalidRequest('Clients cannot register themselves on this server: ask its operator.').withStatus(
      404,
    ),
  )
}

/** RFC 7591 §3.2.2: a refusal by the one validator, as the registration error it is. */
export function refusal(error: ClientRegistrationError): OAuthError {
  const description = error.problems.join(' ')
  return error.redirectUriProblems.length > 0
    ? new InvalidRedirectUri(description)
    : new InvalidClientMetadata(description)
}

/**
 * The client the validator makes, once its sector_identifier_uri (if any) is one it may claim and its document is
 * confirmed; a refusal thrown as the RFC 7591 error it is.
 */
async function checked(
  make: () => { client: Client; secret: string | null },
  deps: Pick<CoreContext, 'fetch'>,
): Promise<{ client: Client; secret: string | null }> {
  try {
    const made = make()
    const unvouched = selfClaimedSectorProblem(made.client)
    if (unvouched !== null) throw new InvalidClientMetadata(unvouched)
    await confirmSectorIdentifier(made.client, deps)
    return made
  } catch (error) {
    throw error instanceof ClientRegistrationError ? refusal(error) : error
  }
}

/** RFC 7591 §3.2.1 (RFC 7592 §3): the client's metadata, its configuration endpoint and token. */
function clientInformation(
  client: Client,
  registrationAccessToken: string,
  secret: string | null,
  deps: Pick<CoreContext, 'config'>,
  status = 200,
): EndpointResult {
  return jsonResult(
    {
      ...clientMetadata(client),
      ...(secret === null ? {} : { client_secret: secret }),
      registration_access_token: registrationAccessToken,
      registration_client_uri: `${deps.config.issuer}${ENDPOINT_PATHS.registration}/${encodeURIComponent(client.id)}`,
    },
    status,
  )
}

/**
 * RFC 7591 §3: registers a client that describes itself, under the server's policy (open, or an initial access
 * token), counted per address. It passes exactly the checks of an operator's client (client-registration.ts).
 * Its secret and registration access token are shown once, here; only their digests are kept.
 */
export async function registerDynamicClient(
  request: RegistrationRequest,
  deps: Deps,
): Promise<EndpointResult> {
  const off = refuseWhenOff(deps)
  if (off) return off
  const source = attemptSource(request.address)
  const budget = await deps.throttle.take(`registration:${source}`, registrationPolicy(deps))
  if (!budget.allowed) {
    deps.events.emit({ event: 'registration_throttled', address: request.address })
    throw tooManyAttempts('Too many client registrations from this address.', budget.retryAfterSeconds)
  }
  // RFC 7591 §3: under the token policy the initial access token is a bearer token (RFC 6750).
  const initialAccessToken =
    deps.config.registration.policy === 'token' ? bearerHeaderToken(request.authorization) : null
  return reportingRefusals(request, deps, async () => {
    const { registration, links } = requestedClient(request.body, deps.config)
    const made = await checked(() => registerClient(registration, deps), deps)
    const registrationAccessToken = randomToken(deps.random)
    const client: Client = {
      ...made.client,
      dynamicRegistration: { accessTokenDigest: digest(registrationAccessToken), links, firstUsedAt: null },
    }
    await deps.stores.transaction(async (tx) => {
      if (
        initialAccessToken !== null &&
        (await tx.initialAccessTokens.spend(digest(initialAccessToken), deps.clock.now())) === null
      ) {
        throw new InvalidToken('The initial access token is unknown, expired or used up.')
      }
      await tx.clients.create(client)
    })
    deps.events.emit({ event: 'client_registered', clientId: client.id, address: request.address })
    return clientInformation(client, registrationAccessToken, made.secret, deps, 201)
  })
}

/** Runs a registration or an update, reporting a refusal of its metadata as a security event. */
async function reportingRefusals(
  request: RegistrationRequest,
  deps: Pick<CoreContext, 'events'>,
  work: () => Promise<EndpointResult>,
): Promise<EndpointResult> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof InvalidClientMetadata || error instanceof InvalidRedirectUri) {
      deps.events.emit({ event: 'client_registration_refused', address: request.address, reason: error.code })
    }
    throw error
  }
}

/**
 * RFC 7592 §2: the client this registration access token was issued for. §2.1: an unknown client, or one an
 * operator registered, is answered as a wrong token is: 401.
 */
async function registeredClient(request: ConfigurationRequest, deps: Deps): Promise<Client> {
  const token = bearerHeaderToken(request.authorization)
  const client = await deps.stores.clients.get(request.clientId)
  const registration = client?.dynamicRegistration
  if (!client || !registration || !matchesDigest(token, registration.accessTokenDigest)) {
    throw new InvalidToken('The registration access token is invalid for this client.')
  }
  return client
}

/** RFC 7592 §2.1: the client's current metadata. */
export async function readRegistration(request: ConfigurationRequest, deps: Deps): Promise<EndpointResult> {
  const off = refuseWhenOff(deps)
  if (off) return off
  const client = await registeredClient(request, deps)
  return clientInformation(client, bearerHeaderToken(request.authorization), null, deps)
}

/**
 * RFC 7592 §2.2: replaces the client's metadata with the request's, which must pass every check a new
 * registration does. Omitted fields take their defaults; the secret stays unless the client stops or starts
 * using one.
 */
export async function updateRegistration(request: ConfigurationRequest, deps: Deps): Promise<EndpointResult> {
  const off = refuseWhenOff(deps)
  if (off) return off
  const existing = await registeredClient(request, deps)
  const body = request.body as Readonly<Record<string, unknown>> | null
  // RFC 7592 §2.2: the request names the client, and a secret it sends must be the one it has.
  if (body?.client_id !== existing.id) {
    throw new InvalidRequest('The request must carry this client’s client_id (RFC 7592 §2.2).')
  }
  if (
    body.client_secret !== undefined &&
    (typeof body.client_secret !== 'string' ||
      existing.secretDigest === null ||
      !matchesDigest(body.client_secret, existing.secretDigest))
  ) {
    throw new InvalidRequest('client_secret does not match the client’s current secret (RFC 7592 §2.2).')
  }
  return reportingRefusals(request, deps, async () => {
    const { registration, links } = requestedClient(body, deps.config)
    const changed = await checked(() => reregisterClient(existing, registration, deps), deps)
    const previous = existing.dynamicRegistration
    const client: Client = {
      ...changed.client,
      dynamicRegistration: previous === null ? null : { ...previous, links },
    }
    await deps.stores.clients.update(client)
    deps.events.emit({ event: 'client_registration_updated', clientId: client.id, address: request.address })
    return clientInformation(client, bearerHeaderToken(request.authorization), changed.secret, deps)
  })
}

/** RFC 7592 §2.3: deletes the client, and with it every grant and token issued to it. */
export async function deleteRegistration(request: ConfigurationRequest, deps: Deps): Promise<EndpointResult> {
  const off = refuseWhenOff(deps)
  if (off) return off
  const client = await registeredClient(request, deps)
  if (await deps.stores.clients.delete(client.id)) {
    deps.events.emit({
      event: 'client_deleted',
      clientId: client.id,
      address: request.address,
      reason: 'deleted_by_client',
    })
  }
  return { kind: 'empty', status: 204 }
}
