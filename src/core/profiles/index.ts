import type { Client, SecurityProfileName } from '../model/client.ts'
import { fapi2 } from './fapi2.ts'
import type { SecurityProfile } from './profile.ts'

export type { SecurityProfile } from './profile.ts'

/** Every security profile a client can be held to, by name. */
export const SECURITY_PROFILES: Readonly<Record<SecurityProfileName, SecurityProfile>> = { fapi2 }

/** The profile the client is held to, or null. */
export function profileOf(client: Pick<Client, 'securityProfile'>): SecurityProfile | null {
  return client.securityProfile === null ? null : SECURITY_PROFILES[client.securityProfile]
}
