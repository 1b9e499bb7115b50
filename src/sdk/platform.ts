/**
 * Platform classes of the Delphix SDK (dlpx.virtualization.common / platform), as plain typed objects.
 * Snake_case SDK names map to camelCase here: binary_path → binaryPath, scratch_path → scratchPath,
 * mount_path → mountPath, shared_path → sharedPath, staged_connection → stagedConnection, ...
 */

export interface RemoteHost {
  name: string; // address
  reference: string; // e.g. UNIX_HOST-1
  binaryPath: string;
  scratchPath: string;
}

export interface RemoteEnvironment {
  name: string;
  reference: string; // e.g. UNIX_HOST_ENVIRONMENT-1
  host: RemoteHost;
}

export interface RemoteUser {
  name: string;
  reference: string; // e.g. HOST_USER-1
}

export interface RemoteConnection {
  environment: RemoteEnvironment;
  user: RemoteUser;
}

export interface Mount {
  remoteEnvironment: RemoteEnvironment | string; // or a reference matching ^UNIX_HOST_ENVIRONMENT-\d+$
  mountPath: string;
  sharedPath?: string;
}

export interface OwnershipSpecification {
  uid: number;
  gid: number;
}

export interface MountSpecification {
  mounts: Mount[];
  ownershipSpecification?: OwnershipSpecification;
}

export enum Status {
  ACTIVE = 0,
  INACTIVE = 1,
}

/** A plugin-defined object: JSON validated against one of the six definitions in schemas/schema.json. */
export type PluginObject = Record<string, unknown>;

export interface DirectSource<P = PluginObject> {
  guid: string;
  connection: RemoteConnection;
  parameters: P;
}

export interface StagedSource<P = PluginObject> {
  guid: string;
  sourceConnection: RemoteConnection;
  stagedConnection: RemoteConnection;
  parameters: P;
  mount?: Mount; // set when the mount specification returned one mount
  mounts?: Mount[]; // set when it returned more than one
}

export interface VirtualSource<P = PluginObject> {
  guid: string;
  connection: RemoteConnection;
  parameters: P;
  mounts: Mount[];
}

export interface PasswordCredentials {
  username: string;
  password: string;
}
export interface KeyPairCredentials {
  username: string;
  privateKey: string;
  publicKey?: string;
}
export type Credentials = PasswordCredentials | KeyPairCredentials;

export enum MigrationType {
  PLATFORM = 0,
  LUA = 1,
}
