/** Builds the store the parameter file asks for. */
import type { Params } from '../params.js';
import type { Logger } from '../log.js';
import { FilesystemStore } from './filesystem.js';
import type { ObjectStore } from './store.js';

export async function openStore(params: Params, log: Logger, context: { hanaSoftwareId?: string }): Promise<ObjectStore> {
  if (params.StoreType === 'filesystem')
    return new FilesystemStore(params.FilesystemRoot!, { directIO: params.FilesystemDirectIO });
  const { S3Store } = await import('./s3.js');
  return S3Store.fromParams(params, log, context);
}
