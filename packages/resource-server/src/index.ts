export type { AccessToken } from './access-token.ts'
export type { ErrorResponse } from './challenge.ts'
export {
  BearerError,
  InsufficientScopeError,
  InvalidDpopProofError,
  InvalidRequestError,
  InvalidTokenError,
  IssuerError,
} from './errors.ts'
export { type ExpressRequestLike, type ExpressResponseLike, requireScopeExpress } from './express.ts'
export { type FastifyReplyLike, type FastifyRequestLike, requireScopeFastify } from './fastify.ts'
export { type BearerRequest, bearerRequest, type GuardResult, guard } from './guard.ts'
export { type DpopJtiCache, DpopRequiredError, memoryJtiCache } from './dpop.ts'
export { requireScopeNode } from './node-http.ts'
export {
  type ResourceMetadata,
  type ResourceMetadataOptions,
  resourceMetadataExpress,
  resourceMetadataFastify,
  resourceMetadataNode,
  resourceMetadataResponse,
} from './resource-metadata.ts'
export type { DpopOptions, IntrospectionClient, VerifierOptions } from './options.ts'
export { createVerifier, type Verifier, verifyAccessToken } from './verifier.ts'
