/**
 * The simulator server of one landscape: SQL listeners on 127.0.0.1 (SYSTEMDB and each tenant of each
 * system), a control listener (clock, faults, workload, status), the simulated clock and its events
 * (automatic log backups every log_backup_timeout_s, marker-row workload), all in one process.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { deleteObject } from './backint-runner.js';
import { SimClock } from './clock.js';
import { defaultFaults, type FaultSettings } from './faults.js';
import { faultDir, installSystem, writeBackintParameterFile } from './install.js';
import { clockFile, endpointsFile, serverInfoFile } from './paths.js';
import { defaultUsers, hanaPorts, normalizeSpec, type LandscapeSpec, type Privilege, type SystemSpec } from './spec.js';
import { keyOwner } from './os-users.js';
import { SqlError } from './sql-errors.js';
import { applySystemFault, type SystemFault } from './system-faults.js';
import { SimSystem, type Session } from './system.js';
import { settleTransitions } from './transitions.js';
import { readUserStore, writeUserStore, type UserStoreKey } from './userstore.js';
import { onLines, sendLine } from './wire.js';
import { HanaCode } from '../../src/hana/error-codes.js';

export interface ServerOptions {
  root: string;
  landscape: LandscapeSpec;
  clock: { startAtMs?: number; driven: boolean };
}

export interface Endpoint {
  sid: string;
  database: string;
  host: string;
  /** The port HANA would use (3<nr>13, 3<nr>41, ...). */
  hanaPort: number;
  /** The port the simulator really listens on (127.0.0.1). */
  port: number;
}

export interface KeyInfo {
  key: string;
  env: string;
  user: string;
  database: string;
  purpose: string;
  privileges: Privilege[];
}

export interface StatusReply {
  pid: number;
  nowMs: number;
  driven: boolean;
  systems: {
    sid: string;
    instance: string;
    host: string;
    utcOffset: string;
    tenants: string[];
    backintParameterFile: string;
    userStoreKeys: KeyInfo[];
    endpoints: Endpoint[];
  }[];
}

interface Workload {
  sid: string;
  database: string;
  table: string;
  everySeconds: number;
  nextMs: number;
  nextId: number;
}

export class SimServer {
  private readonly spec: LandscapeSpec;
  readonly clock: SimClock;
  readonly systems = new Map<string, SimSystem>();
  private readonly servers: net.Server[] = [];
  private readonly endpoints: Endpoint[] = [];
  private control?: net.Server;
  readonly faults: FaultSettings = defaultFaults();
  private readonly workloads: Workload[] = [];
  /** Per SID: the next log_backup_timeout_s boundary of simulated time. */
  private readonly nextLogBackup = new Map<string, number>();
  private processedMs: number;
  private chain: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private nowOverride: number | undefined;
  readonly token = randomBytes(16).toString('hex');

  constructor(private readonly opts: ServerOptions) {
    this.spec = normalizeSpec(opts.landscape);
    const prior = SimClock.load(clockFile(opts.root));
    const start = opts.clock.startAtMs ?? (prior ? (prior.driven ? prior.frozenMs : Date.now() + prior.offsetMs) : Date.now());
    this.clock = new SimClock(clockFile(opts.root), { driven: opts.clock.driven, frozenMs: start, offsetMs: start - Date.now() });
    this.processedMs = this.clock.nowMs();
  }

  get controlPort(): number {
    return (this.control!.address() as net.AddressInfo).port;
  }

  now = (): number => this.nowOverride ?? this.clock.nowMs();

  async start(): Promise<void> {
    mkdirSync(this.opts.root, { recursive: true });
    mkdirSync(faultDir(this.opts.root), { recursive: true });
    for (const s of this.spec.systems) {
      const sys = new SimSystem(s as ConstructorParameters<typeof SimSystem>[0], {
        root: this.opts.root,
        now: this.now,
        faults: this.faults,
        interfaceVersion: this.spec.backint!.interfaceVersion!,
        lookup: (sid) => this.systems.get(sid),
      });
      sys.initialize();
      installSystem(
        this.opts.root,
        s as SystemSpec & { version: string; clientVersion: string },
        this.spec.backint!,
        sys.defaultIniBackup(),
      );
      this.systems.set(s.sid, sys);
      sys.onDatabasesChanged = () => void this.syncListeners(sys).then(() => this.writeEndpointsAndKeys());
    }
    for (const sys of this.systems.values()) await this.syncListeners(sys);
    this.writeEndpointsAndKeys();
    this.control = net.createServer((sock) => this.serveControl(sock));
    await new Promise<void>((r) => this.control!.listen(0, '127.0.0.1', r));
    const info = serverInfoFile(this.opts.root);
    mkdirSync(dirname(info), { recursive: true });
    writeFileSync(
      info,
      JSON.stringify({ pid: process.pid, controlPort: (this.control.address() as net.AddressInfo).port, token: this.token }) + '\n',
      { mode: 0o600 },
    );
    // Keep clock.json's offset matching a frozen clock; in real time, run the due events every second.
    this.timer = setInterval(() => {
      if (this.clock.driven) this.clock.persist();
      else void this.advanceTo(this.clock.nowMs()).catch(() => undefined);
    }, 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.chain.catch(() => undefined);
    for (const s of [...this.servers, ...(this.control ? [this.control] : [])]) await new Promise<void>((r) => s.close(() => r()));
    for (const sys of this.systems.values()) sys.close();
    rmSync(serverInfoFile(this.opts.root), { force: true });
  }

  /** One listener per database; a restarted server binds the ports it used before. */
  private async syncListeners(sys: SimSystem): Promise<void> {
    const saved = JSON.parse(sys.state.meta('ports') ?? '{}') as Record<string, number>;
    for (const d of sys.state.databases()) {
      if (this.endpoints.some((e) => e.sid === sys.spec.sid && e.database === d.name)) continue;
      const server = net.createServer((sock) => this.serveSql(sock, sys, d.name));
      const port = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(saved[d.name] ?? 0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
      });
      this.servers.push(server);
      saved[d.name] = port;
      const hanaPort = hanaPorts(sys.spec.instance, d.port_index < 0 ? undefined : d.port_index).sql;
      this.endpoints.push({ sid: sys.spec.sid, database: d.name, host: sys.spec.host, hanaPort, port });
    }
    sys.state.setMeta('ports', JSON.stringify(saved));
  }

  private keys(sys: SimSystem): KeyInfo[] {
    const out: KeyInfo[] = [];
    for (const u of defaultUsers(sys.spec)) {
      const ep = this.endpoints.find((e) => e.sid === sys.spec.sid && e.database === u.database);
      const row = sys.state.user(u.database, u.name);
      if (!u.key || !ep || !row) continue;
      out.push({
        key: u.key,
        env: `127.0.0.1:${ep.port}`,
        user: u.name,
        database: u.database,
        purpose: u.purpose ?? '',
        privileges: row.privileges,
      });
    }
    return out;
  }

  private writeEndpointsAndKeys(): void {
    mkdirSync(dirname(endpointsFile(this.opts.root)), { recursive: true });
    writeFileSync(endpointsFile(this.opts.root), JSON.stringify(this.endpoints, null, 1) + '\n');
    const store = readUserStore(this.opts.root, keyOwner());
    for (const sys of this.systems.values()) {
      for (const k of this.keys(sys)) {
        const entry: UserStoreKey = { env: k.env, user: k.user, password: sys.state.user(k.database, k.user)!.password };
        if (k.database !== 'SYSTEMDB') entry.database = k.database;
        store[k.key] = entry;
      }
    }
    writeUserStore(this.opts.root, store, keyOwner());
  }

  status(): StatusReply {
    return {
      pid: process.pid,
      nowMs: this.now(),
      driven: this.clock.driven,
      systems: [...this.systems.values()].map((sys) => ({
        sid: sys.spec.sid,
        instance: sys.spec.instance,
        host: sys.spec.host,
        utcOffset: sys.spec.utcOffset,
        tenants: sys.state
          .databases()
          .filter((d) => d.name !== 'SYSTEMDB')
          .map((d) => d.name),
        backintParameterFile: sys.paths.backintParameterFile,
        userStoreKeys: this.keys(sys),
        endpoints: this.endpoints.filter((e) => e.sid === sys.spec.sid),
      })),
    };
  }

  private serveSql(sock: net.Socket, sys: SimSystem, listenerDb: string): void {
    sock.setNoDelay(true);
    sock.on('error', () => undefined); // a client vanishing does not stop what it started (a recovery keeps running)
    let session: Session | undefined;
    let queue: Promise<void> = Promise.resolve();
    onLines(sock, (raw) => {
      const msg = raw as { op: string; user?: string; password?: string; database?: string; sql?: string };
      queue = queue.then(async () => {
        try {
          if (msg.op === 'connect') {
            const database = msg.database && listenerDb === 'SYSTEMDB' ? msg.database.toUpperCase() : listenerDb;
            session = sys.authenticate(database, String(msg.user ?? '').toUpperCase(), String(msg.password ?? ''));
            sendLine(sock, { ok: true });
          } else if (msg.op === 'execute') {
            if (!session) throw new SqlError(HanaCode.sessionNotConnected, 'Session not connected');
            const t0 = process.hrtime.bigint();
            const result = await sys.execute(session, String(msg.sql ?? ''));
            sendLine(sock, { ok: true, result, serverTimeUs: Number((process.hrtime.bigint() - t0) / 1000n) });
          } else {
            throw new SqlError(HanaCode.connectionFailed, `unknown request ${msg.op}`);
          }
        } catch (e) {
          const err = e instanceof SqlError ? e : new SqlError(HanaCode.generalError, `general error: ${(e as Error).message}`);
          if (!sock.destroyed) sendLine(sock, { ok: false, error: { code: err.code, text: err.text, sqlState: err.sqlState } });
        }
      });
    });
  }

  private serveControl(sock: net.Socket): void {
    sock.on('error', () => undefined);
    onLines(sock, (raw) => {
      const msg = raw as ControlRequest;
      void (async () => {
        try {
          if (msg.token !== this.token) throw new Error('wrong control token');
          sendLine(sock, { ok: true, result: await this.handleControl(msg) });
        } catch (e) {
          sendLine(sock, { ok: false, error: (e as Error).message });
        }
      })();
    });
  }

  async handleControl(msg: ControlRequest): Promise<unknown> {
    switch (msg.op) {
      case 'status':
        return this.status();
      case 'clock':
        if (msg.setMs !== undefined) await this.setTime(msg.setMs);
        if (msg.advanceSeconds !== undefined) await this.advanceTo(this.now() + msg.advanceSeconds * 1000);
        return { nowMs: this.now(), driven: this.clock.driven };
      case 'faults':
        Object.assign(this.faults, msg.settings ?? {});
        if (msg.settings && 'crashRecoveryAtStep' in msg.settings && msg.settings.crashRecoveryAtStep === null)
          delete this.faults.crashRecoveryAtStep;
        for (const sys of this.systems.values()) {
          if (msg.settings?.tenantStartMs === 0) settleTransitions(sys, 'start');
          if (msg.settings?.tenantStopMs === 0) settleTransitions(sys, 'stop');
        }
        return { ...this.faults };
      case 'backint-failure': {
        const file = join(faultDir(this.opts.root), `backint-${msg.function}`);
        if (msg.message === null || msg.message === undefined) rmSync(file, { force: true });
        else writeFileSync(file, msg.message + '\n');
        return {};
      }
      case 'log-shipping-lag':
        this.spec.backint!.logShippingLagSeconds = msg.seconds;
        for (const s of this.spec.systems) writeBackintParameterFile(this.opts.root, s, this.spec.backint!);
        return {};
      case 'delete-backup':
        return this.deleteBackup(msg.sid, msg.database, msg.backupId);
      case 'privileges': {
        const sys = this.system(msg.sid);
        const u = sys.state.user(msg.database ?? 'SYSTEMDB', msg.user);
        if (!u) throw new Error(`no user ${msg.user} in ${msg.sid}/${msg.database ?? 'SYSTEMDB'}`);
        sys.state.upsertUser(u.database, u.name, u.password, msg.privileges);
        return {};
      }
      case 'system-fault':
        applySystemFault(this.system(msg.sid), msg.fault, msg.on);
        return { sid: msg.sid, fault: msg.fault, on: msg.on };
      case 'workload':
        return this.workload(msg);
      case 'shutdown':
        setImmediate(() => void this.stop().then(() => process.exit(0)));
        return {};
    }
  }

  private system(sid: string): SimSystem {
    const s = this.systems.get(sid);
    if (!s) throw new Error(`no system ${sid} in this landscape`);
    return s;
  }

  /** Removes every file of a backup from the Backint store (through the agent); the catalog still lists it. */
  private async deleteBackup(sid: string, database: string, backupId: number): Promise<string[]> {
    const sys = this.system(sid);
    const files = sys.state.catalogFiles(database).filter((f) => f.backup_id === backupId);
    if (!files.length) throw new Error(`backup ${backupId} of ${sid}/${database} is not in the catalog`);
    const out: string[] = [];
    for (const f of files)
      out.push(
        `${await deleteObject(sys.backint(database), sys.backintUser(database), f.destination_path, f.external_backup_id!)} ` +
          `${f.destination_path}`,
      );
    return out;
  }

  private async workload(msg: Extract<ControlRequest, { op: 'workload' }>): Promise<unknown> {
    const sys = this.system(msg.sid);
    const table = (msg.table ?? 'MARKERS').toUpperCase();
    if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(table)) throw new Error(`table ${msg.table} is not a plain identifier`);
    const i = this.workloads.findIndex((w) => w.sid === msg.sid && w.database === msg.database);
    if (i >= 0) this.workloads.splice(i, 1);
    if (msg.action === 'stop') return { running: false };
    const session: Session = { database: msg.database, user: 'APPUSER' };
    const exists = await sys.execute(session, `SELECT COUNT(*) FROM SQLITE_MASTER WHERE TYPE = 'table' AND NAME = '${table}'`);
    if (exists.kind === 'rows' && Number(exists.rows[0]![0]) === 0) {
      await sys.execute(session, `CREATE COLUMN TABLE ${table} (ID BIGINT PRIMARY KEY, WRITTEN_AT TIMESTAMP, NOTE NVARCHAR(100))`);
    }
    const max = await sys.execute(session, `SELECT IFNULL(MAX(ID), 0) FROM ${table}`);
    const nextId = Number(max.kind === 'rows' ? max.rows[0]![0] : 0) + 1;
    this.workloads.push({
      sid: msg.sid,
      database: msg.database,
      table,
      everySeconds: msg.everySeconds ?? 60,
      nextMs: this.now() + (msg.everySeconds ?? 60) * 1000,
      nextId,
    });
    return { running: true, table, nextId };
  }

  private async writeMarker(w: Workload): Promise<void> {
    const sys = this.system(w.sid);
    try {
      await sys.execute(
        { database: w.database, user: 'APPUSER' },
        `INSERT INTO ${w.table} VALUES (${w.nextId}, CURRENT_UTCTIMESTAMP, 'marker ${w.nextId}')`,
      );
      w.nextId++;
    } catch {
      /* tenant stopped or being recovered: no marker this time */
    }
    w.nextMs += w.everySeconds * 1000;
  }

  /** Moves the simulated clock to `ms`, running every event due on the way at its own simulated instant. */
  advanceTo(ms: number): Promise<void> {
    const run = this.chain.then(async () => {
      for (;;) {
        const next = this.nextEvent();
        if (next === undefined || next.at > ms) break;
        this.processedMs = next.at;
        // A wall clock moves too: `sim clock --advance` jumps it ahead (its offset grows), as a driven one does.
        this.clock.setMs(Math.max(next.at, this.clock.nowMs()));
        this.nowOverride = next.at;
        try {
          await next.run();
        } finally {
          this.nowOverride = undefined;
        }
      }
      this.processedMs = Math.max(this.processedMs, ms);
      if (ms > this.clock.nowMs()) this.clock.setMs(ms);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async setTime(ms: number): Promise<void> {
    if (ms >= this.now()) return this.advanceTo(ms);
    // Going back in time (tests set a start): no events replayed.
    await this.chain;
    this.clock.setMs(ms);
    this.processedMs = ms;
    this.nextLogBackup.clear();
    for (const w of this.workloads) w.nextMs = ms + w.everySeconds * 1000;
  }

  /** The earliest due event; at the same instant marker rows come before the log backup that then holds them. */
  private nextEvent(): { at: number; run: () => Promise<void> } | undefined {
    const events: { at: number; order: number; run: () => Promise<void> }[] = [];
    for (const sys of this.systems.values()) {
      const step = sys.logBackupTimeoutS() * 1000;
      const at = this.nextLogBackup.get(sys.spec.sid) ?? Math.floor(this.processedMs / step) * step + step;
      this.nextLogBackup.set(sys.spec.sid, at);
      events.push({
        at,
        order: 1,
        run: async () => {
          this.nextLogBackup.set(sys.spec.sid, at + step);
          await sys.logBackups();
        },
      });
    }
    for (const w of this.workloads) events.push({ at: w.nextMs, order: 0, run: () => this.writeMarker(w) });
    events.sort((a, b) => a.at - b.at || a.order - b.order);
    return events[0];
  }
}

export type ControlRequest = { token?: string } & (
  | { op: 'status' }
  | { op: 'clock'; setMs?: number; advanceSeconds?: number }
  | { op: 'faults'; settings?: Omit<Partial<FaultSettings>, 'crashRecoveryAtStep'> & { crashRecoveryAtStep?: number | null } }
  | { op: 'backint-failure'; function: 'backup' | 'restore' | 'inquire' | 'delete'; message?: string | null }
  | { op: 'log-shipping-lag'; seconds: number }
  | { op: 'delete-backup'; sid: string; database: string; backupId: number }
  | { op: 'privileges'; sid: string; database?: string; user: string; privileges: Privilege[] }
  | { op: 'system-fault'; sid: string; fault: SystemFault; on: boolean }
  | { op: 'workload'; action: 'start' | 'stop'; sid: string; database: string; table?: string; everySeconds?: number }
  | { op: 'shutdown' }
);
