/**
 * An in-process SSH server on 127.0.0.1 (ssh2): public-key authentication against an OpenSSH
 * authorized_keys file, a persisted host key, exec requests run by the local shell as the current user.
 * The embedded default for tests, the simulator and demos: no root, no system packages.
 */
import type { ChildProcess } from 'node:child_process';
import { homedir, userInfo } from 'node:os';
import ssh2 from 'ssh2';
import type { Connection } from 'ssh2';
import { authenticate } from './auth.js';
import { loadOrCreateHostKey } from './keys.js';
import { killTree, runExec, sessionEnvironment } from './session.js';

export { generateUserKeyPair, fingerprintOf, readAuthorizedKeys } from './keys.js';

export interface EmbeddedSshdOptions {
  host?: '127.0.0.1';
  /** 0 (default) = ephemeral. */
  port?: number;
  /** Private host key; an ed25519 key is generated here when the file is missing. */
  hostKeyFile: string;
  authorizedKeysFile: string;
  /** Added to every session's environment (PATH, HANA_VDB_USR_SAP, ...). */
  env?: Record<string, string>;
  /** Default 'bash'. */
  shell?: string;
  /**
   * The user's home directory: HOME and the working directory of every command. Default: the real one.
   * Like OpenSSH, bash run for an exec request sources ~/.bashrc, so a simulated host gives its user its own.
   */
  home?: string;
  /** Also accept this password for the user (tests of password authentication). */
  password?: string;
  /**
   * Further login names accepted with the same authorized_keys (a simulated host's other OS users). Their sessions
   * get USER/LOGNAME/HOME of that name, as OpenSSH gives a user its own; commands still run as the real OS user.
   */
  otherUsers?: { name: string; home: string }[];
  /** Observer of every exec request's command string (tests). */
  onExec?: (command: string) => void;
}

export interface EmbeddedSshd {
  host: string;
  port: number;
  user: string;
  hostKeyFingerprint: string;
  /** Stops listening, closes every connection and kills running commands. */
  close(): Promise<void>;
}

export async function startEmbeddedSshd(opts: EmbeddedSshdOptions): Promise<EmbeddedSshd> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('The embedded SSH server binds only 127.0.0.1.');
  const user = userInfo().username;
  const shell = opts.shell ?? 'bash';
  const home = opts.home ?? homedir();
  const sessions = new Map<string, { env: Record<string, string>; home: string }>([
    [user, { env: sessionEnvironment(home, opts.env ?? {}), home }],
  ]);
  for (const o of opts.otherUsers ?? [])
    sessions.set(o.name, { env: sessionEnvironment(o.home, opts.env ?? {}, o.name), home: o.home });
  const hostKey = loadOrCreateHostKey(opts.hostKeyFile);
  const clients = new Set<Connection>();
  const children = new Set<ChildProcess>();

  const server = new ssh2.Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    clients.add(client);
    // Typed in @types/ssh2 only on the client side; without it every command pays ~40 ms (Nagle).
    (client as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
    client.on('error', () => undefined); // a peer vanishing is not the server's failure
    client.on('close', () => clients.delete(client));
    let login = user;
    client.on('authentication', (ctx) => {
      login = ctx.username;
      authenticate(ctx, { users: [...sessions.keys()], authorizedKeysFile: opts.authorizedKeysFile, password: opts.password });
    });
    client.on('ready', () => {
      const { env, home } = sessions.get(login)!;
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('env', (_accept, reject) => reject?.());
        session.on('pty', (_accept, reject) => reject?.());
        session.on('shell', (_accept, reject) => reject?.());
        session.on('exec', (accept, _reject, info) => {
          opts.onExec?.(info.command);
          const child = runExec(accept(), info.command, shell, env, home);
          children.add(child);
          child.on('close', () => children.delete(child));
        });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;

  let closed: Promise<void> | undefined;
  return {
    host,
    port,
    user,
    hostKeyFingerprint: hostKey.fingerprint,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const child of children) killTree(child);
        for (const client of clients) client.end();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
