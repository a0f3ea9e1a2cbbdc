import type { ResourceDescription } from '../model/pages.ts'
import type { Stores } from '../ports/stores.ts'

/** Resources as a person reads them on a consent page; one no longer registered shows as its identifier. */
export async function describeResources(
  identifiers: readonly string[],
  stores: Pick<Stores, 'resources'>,
): Promise<readonly ResourceDescription[]> {
  return Promise.all(
    identifiers.map(async (identifier) => ({
      identifier,
      name: (await stores.resources.get(identifier))?.name ?? identifier,
    })),
  )
}
