import type { CoreContext } from '../context.ts'
import type { Client } from '../model/client.ts'
import { isMetadataDocumentClientId, metadataDocumentClient } from './metadata-document.ts'

export type FindClientDeps = Pick<CoreContext, 'config' | 'clock' | 'stores' | 'fetch'>

/**
 * The one place a client is found by its id, for every endpoint: a client the operator registered (the client
 * store, cached on the server), or one that names itself by the URL of its metadata document (fetched and
 * validated; `invalid_client` when it cannot be used). The record a metadata document client may have in the
 * client store (`keepClientRecord`) is never read as the client: its document is.
 */
export function findClient(id: string, deps: FindClientDeps): Promise<Client | null> {
  if (isMetadataDocumentClientId(id)) return metadataDocumentClient(id, deps)
  return deps.stores.clients.get(id)
}

/**
 * Grants, consents, codes and tokens refer to their client in the store (a foreign key): before a person's consent
 * to a metadata document client is saved, the client gets a record there, under its URL, kept as its document
 * last said. `keyward clients list` shows it; deleting it deletes what was granted to it. Its first record is a
 * security event, as a client an operator creates is.
 */
export async function keepClientRecord(
  client: Client,
  address: string,
  deps: Pick<CoreContext, 'stores' | 'events'>,
): Promise<void> {
  if (!isMetadataDocumentClientId(client.id)) return
  const stored = await deps.stores.clients.get(client.id)
  if (stored !== null) {
    await deps.stores.clients.update({ ...client, createdAt: stored.createdAt })
    return
  }
  await deps.stores.clients.create(client)
  deps.events.emit({
    event: 'client_created',
    clientId: client.id,
    address,
    reason: 'client_id_metadata_document',
  })
}
