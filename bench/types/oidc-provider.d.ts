// The part of oidc-provider 9's API the bench's peer server uses; the package ships no types.
declare module 'oidc-provider' {
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    listen(port: number, host: string): unknown
  }
}
