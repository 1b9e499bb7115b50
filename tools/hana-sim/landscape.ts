/**
 * startLandscape(): the programmatic way to run a simulated landscape (tests, demo, `hana-vdb sim start`).
 * The simulator server runs in its own process (so a fault can kill it mid-recovery, as a crashing HANA
 * service would); this side spawns it, restarts it when it dies, drives it over the control port and hosts
 * the embedded SSH server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateUserKeyPair, startEmbeddedSshd, type EmbeddedSshd } from '../embedded-sshd/index.js';
import { SimClock } from './clock.js';
import { control, type ServerInfo } from './control-client.js';
import { repoRoot } from './install.js';
import { otherOsUsers } from './os-users.js';
import { clockFile, systemPaths, userHome, usrSap } from './paths.js';
import type { ControlRequest, KeyInfo, StatusReply } from './server.js';
import { defaultLandscape, type LandscapeSpec, type Privilege } from './spec.js';

export interface StartLandscapeOptions {
  root: string;
  landscape?: LandscapeSpec;
  /** startAt: ISO instant the simulated clock starts at (default: real now, or where a previous run left it). */
  clock?: { startAt?: string; driven?: boolean };
  /** Start the embedded SSH server (default true). */
  ssh?: boolean;
  /** Further OS users that log in over SSH with the same client key; they have no hdbuserstore keys (os-users.ts). */
  sshUsers?: string[];
}

export interface LandscapeSystem {
  sid: string;
  instance: string;
  host: string;
  utcOffset: string;
  tenants: string[];
  userStoreKeys: KeyInfo[];
  backintParameterFile: string;
  paths: {
    usrSap: string;
    instanceDir: string;
    exeDir: string;
    hdbsql: string;
    hdbuserstore: string;
    traceDir: string;
    hdbbackint: string;
    globalIni: string;
  };
}

export interface SshInfo {
  host: string;
  port: number;
  user: string;
  privateKeyFile: string;
  hostKeyFingerprint: string;
}

export interface Landscape {
  root: string;
  systems: LandscapeSystem[];
  ssh?: SshInfo;
  /** pid of the simulator server process (changes when it is restarted after a crash). */
  readonly serverPid: number;
  clock: {
    /** Simulated now (read from clock.json). */
    now(): Date;
    set(iso: string): Promise<void>;
    /** Moves time forward, running the log backups and marker rows due on the way. */
    advance(seconds: number): Promise<void>;
  };
  faults: {
    slowRecovery(msPerStep: number): Promise<void>;
    /** The server process is SIGKILLed when a recovery reaches `atStep` (1 = catalog read); it is restarted. */
    crashDuringRecovery(atStep?: number | null): Promise<void>;
    /** Deletes every object of a backup from the Backint store through the agent; the catalog keeps it. */
    deleteBackup(sid: string, database: string, backupId: number): Promise<string[]>;
    /** hdbbackint -f <fn> exits 1 with `message` on stderr; null clears. */
    backintFailure(fn: 'backup' | 'restore' | 'inquire' | 'delete', message: string | null): Promise<void>;
    setPrivileges(sid: string, user: string, privileges: Privilege[], database?: string): Promise<void>;
    /** LogVisibilityDelaySeconds in every system's agent parameter file. */
    logShippingLag(seconds: number): Promise<void>;
    /** SID's backups are encrypted with root keys the other systems lack (false: encryption off). */
    backupEncryption(sid: string, on?: boolean): Promise<void>;
    /** SID is a system replication primary whose secondary is down (false: no system replication). */
    srSecondaryDown(sid: string, on?: boolean): Promise<void>;
    /** HANA pauses halfway through each Backint backup stream for `ms` real ms (0: no pause), e.g. to kill the agent. */
    pauseBackupStreams(ms: number): Promise<void>;
    /** Real milliseconds tenants stay STARTING / STOPPING (default 300 each; 0: at once, and ends those under way). */
    tenantTransitions(ms: { startMs?: number; stopMs?: number }): Promise<void>;
  };
  workload: {
    startMarkers(o: {
      sid: string;
      database: string;
      everySeconds: number;
      table?: string;
    }): Promise<{ table: string; nextId: number }>;
    stopMarkers(sid: string, database: string): Promise<void>;
  };
  status(): Promise<StatusReply>;
  /** Resolves once the server is up again after a crash fault. */
  whenRunning(): Promise<void>;
  close(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  info: ServerInfo;
}

function spawnServer(args: object): Promise<Running> {
  const entry = join(repoRoot(), 'dist/tools/hana-sim/server-main.js');
  const child = spawn(process.execPath, [entry, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      const msg = JSON.parse(line) as { ready: boolean; pid: number; controlPort: number; token: string };
      resolve({ child, info: { pid: msg.pid, controlPort: msg.controlPort, token: msg.token } });
    });
    child.once('exit', (code) =>
      reject(
        new Error(
          `the simulator server exited (${code}) before it was ready: ` +
            `${stderr.trim() || `run npm run build so that ${entry} exists`}`,
        ),
      ),
    );
  });
}

/** The simulator server process, restarted on the same state when it dies (as hdbdaemon restarts a service). */
async function superviseServer(first: object, restartArgs: object) {
  let running = await spawnServer(first);
  let closing = false;
  let restarting: Promise<void> = Promise.resolve();
  const watch = (r: Running) => {
    r.child.once('exit', () => {
      if (closing) return;
      restarting = spawnServer(restartArgs).then((next) => {
        running = next;
        watch(next);
      });
    });
  };
  watch(running);
  return {
    pid: () => running.info.pid,
    call: async <T>(req: ControlRequest): Promise<T> => {
      await restarting;
      return control<T>(running.info, req);
    },
    whenRunning: () => restarting,
    /** Stops restarting, runs `first` (closing what depends on the server), then ends the server. */
    close: async (first: () => Promise<void>) => {
      closing = true;
      await restarting.catch(() => undefined);
      await first();
      const child = running.child;
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await gone;
      }
    },
  };
}

function landscapeSystem(root: string, s: StatusReply['systems'][number]): LandscapeSystem {
  const p = systemPaths(root, s);
  return {
    sid: s.sid,
    instance: s.instance,
    host: s.host,
    utcOffset: s.utcOffset,
    tenants: s.tenants,
    userStoreKeys: s.userStoreKeys,
    backintParameterFile: s.backintParameterFile,
    paths: {
      usrSap: p.usrSap,
      instanceDir: p.instanceDir,
      exeDir: p.exeDir,
      hdbsql: join(p.exeDir, 'hdbsql'),
      hdbuserstore: join(p.exeDir, 'hdbuserstore'),
      traceDir: p.traceDir,
      hdbbackint: p.hdbbackint,
      globalIni: p.globalIni,
    },
  };
}

/** The embedded SSH server in front of the simulated hosts, with a client key pair made for it. */
async function startSsh(
  root: string,
  systems: LandscapeSystem[],
  sshUsers: string[] = [],
): Promise<{ sshd: EmbeddedSshd; ssh: SshInfo }> {
  const dir = join(root, 'ssh');
  const pair = generateUserKeyPair(join(dir, 'client'));
  writeFileSync(join(dir, 'authorized_keys'), pair.publicKeyLine + '\n', { mode: 0o600 });
  const sshd = await startEmbeddedSshd({
    hostKeyFile: join(dir, 'host_ed25519'),
    authorizedKeysFile: join(dir, 'authorized_keys'),
    env: sessionEnv(
      root,
      systems.map((x) => x.paths.exeDir),
    ),
    home: sessionHome(root),
    otherUsers: otherOsUsers(root, sshUsers),
  });
  const ssh = {
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKeyFile: pair.privateKeyFile,
    hostKeyFingerprint: sshd.hostKeyFingerprint,
  };
  return { sshd, ssh };
}

type Call = <T>(req: ControlRequest) => Promise<T>;

function faultsApi(call: Call): Landscape['faults'] {
  return {
    slowRecovery: async (ms) => void (await call({ op: 'faults', settings: { recoveryStepDelayMs: ms } })),
    crashDuringRecovery: async (atStep = 2) => void (await call({ op: 'faults', settings: { crashRecoveryAtStep: atStep } })),
    deleteBackup: (sid, database, backupId) => call<string[]>({ op: 'delete-backup', sid, database, backupId }),
    backintFailure: async (fn, message) => void (await call({ op: 'backint-failure', function: fn, message })),
    setPrivileges: async (sid, user, privileges, database) =>
      void (await call({ op: 'privileges', sid, user, privileges, database })),
    logShippingLag: async (seconds) => void (await call({ op: 'log-shipping-lag', seconds })),
    backupEncryption: async (sid, on = true) => void (await call({ op: 'system-fault', sid, fault: 'backup-encryption', on })),
    srSecondaryDown: async (sid, on = true) => void (await call({ op: 'system-fault', sid, fault: 'sr-secondary-down', on })),
    pauseBackupStreams: async (ms) => void (await call({ op: 'faults', settings: { backupStreamPauseMs: ms } })),
    tenantTransitions: async ({ startMs, stopMs }) => {
      const settings = {
        ...(startMs === undefined ? {} : { tenantStartMs: startMs }),
        ...(stopMs === undefined ? {} : { tenantStopMs: stopMs }),
      };
      await call({ op: 'faults', settings });
    },
  };
}

function clockApi(root: string, call: Call): Landscape['clock'] {
  return {
    now: () => {
      const c = SimClock.load(clockFile(root))!;
      return new Date(c.driven ? c.frozenMs : Date.now() + c.offsetMs);
    },
    set: async (iso) => {
      const ms = Date.parse(iso);
      if (Number.isNaN(ms)) throw new Error(`"${iso}" is not an ISO-8601 instant`);
      await call({ op: 'clock', setMs: ms });
    },
    advance: async (seconds) => {
      await call({ op: 'clock', advanceSeconds: seconds });
    },
  };
}

export async function startLandscape(opts: StartLandscapeOptions): Promise<Landscape> {
  const spec = opts.landscape ?? defaultLandscape();
  mkdirSync(opts.root, { recursive: true });
  const driven = opts.clock?.driven ?? false;
  const first = {
    root: opts.root,
    landscape: spec,
    clock: { driven, startAtMs: opts.clock?.startAt ? Date.parse(opts.clock.startAt) : undefined },
  };
  if (opts.clock?.startAt && Number.isNaN(first.clock.startAtMs))
    throw new Error(`clock.startAt: "${opts.clock.startAt}" is not an ISO-8601 instant`);
  // A restarted server comes back on the same ports and state, with the clock it saved.
  const server = await superviseServer(first, { ...first, clock: { driven } });
  const call: Call = server.call;
  const status = await call<StatusReply>({ op: 'status' });
  const systems = status.systems.map((s) => landscapeSystem(opts.root, s));
  const withSsh = (opts.ssh ?? true) ? await startSsh(opts.root, systems, opts.sshUsers) : undefined;
  return {
    root: opts.root,
    systems,
    ssh: withSsh?.ssh,
    get serverPid() {
      return server.pid();
    },
    clock: clockApi(opts.root, call),
    faults: faultsApi(call),
    workload: {
      startMarkers: (o) => call({ op: 'workload', action: 'start', ...o }),
      stopMarkers: async (sid, database) => void (await call({ op: 'workload', action: 'stop', sid, database })),
    },
    status: () => call<StatusReply>({ op: 'status' }),
    whenRunning: async () => {
      await server.whenRunning();
    },
    close: async () => {
      await server.close(async () => withSsh?.sshd.close());
    },
  };
}

/**
 * The simulated hosts' OS user's home directory (created), where its hdbuserstore lives too. Its own, not the
 * developer's: bash run for an SSH exec sources ~/.bashrc, and a developer's (pyenv, nvm, ...) can cost more per
 * remote command than the HANA work.
 */
export function sessionHome(root: string): string {
  const home = userHome(root);
  mkdirSync(home, { recursive: true });
  return home;
}

/** Environment of SSH sessions on the simulated host: the programs on PATH and HANA_VDB_USR_SAP. */
export function sessionEnv(root: string, exeDirs: string[]): Record<string, string> {
  return {
    PATH: [...exeDirs, process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(':'),
    HANA_VDB_USR_SAP: usrSap(root),
  };
}
