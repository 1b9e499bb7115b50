/** Talks to a running simulator server through its control port (<root>/run/server.json). */
import { existsSync, readFileSync } from 'node:fs';
import { serverInfoFile } from './paths.js';
import type { ControlRequest } from './server.js';
import { WireClient } from './wire.js';

export interface ServerInfo {
  pid: number;
  controlPort: number;
  token: string;
}

export function readServerInfo(root: string): ServerInfo | undefined {
  const f = serverInfoFile(root);
  if (!existsSync(f)) return undefined;
  return JSON.parse(readFileSync(f, 'utf8')) as ServerInfo;
}

export async function control<T>(info: ServerInfo, req: ControlRequest): Promise<T> {
  const client = await WireClient.connect('127.0.0.1', info.controlPort);
  try {
    const reply = await client.request<{ ok: boolean; result?: T; error?: string }>({ ...req, token: info.token });
    if (!reply.ok) throw new Error(reply.error);
    return reply.result as T;
  } finally {
    client.close();
  }
}
