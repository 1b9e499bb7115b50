/**
 * Builds hana-vdb stores for the hana-vdb-meta tests through REAL engine runs: the engine's workflows
 * (from dist/, in a child process as the CLI runs them) with the plain-JS fixture plugin in
 * test/meta/fixture-plugin, over SSH to an embedded sshd on 127.0.0.1. Requires a prior build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateUserKeyPair, startEmbeddedSshd, type EmbeddedSshd } from '../../../tools/embedded-sshd/index.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DRIVER = join(REPO, 'test/meta/support/drive-engine.mjs');
const PLUGIN = join(REPO, 'test/meta/fixture-plugin');

export interface RecoverScenario {
  executionTimestamp: string;
  shortBySeconds?: number;
  recoveryInfo: string;
  reachedLogPosition: string;
  operationId: string;
  logShippingLagSeconds?: number;
  logBackupIntervalSeconds?: number;
  fail?: string;
  hangMarker?: string;
}

export interface Scenario {
  takenAt?: string;
  syncFail?: string;
  syncHangMarker?: string;
  recover?: RecoverScenario;
}

export type Step =
  | {
      op: 'link';
      name: string;
      tenant: string;
      rpoOffsetMinutes: number;
      maxDriftSeconds?: number;
      scenario: Scenario;
      mayFail?: boolean;
    }
  | { op: 'sync'; name: string; scenario: Scenario; mayFail?: boolean }
  | {
      op: 'provision';
      name: string;
      snapshotId: number;
      tenant: string;
      maxDriftSeconds?: number;
      scenario: Scenario;
      mayFail?: boolean;
    }
  | { op: 'refresh'; name: string; snapshotId?: number; scenario: Scenario; mayFail?: boolean }
  | { op: 'rewind'; name: string; snapshotId: number; scenario: Scenario; mayFail?: boolean };

export interface StepResult {
  op: string;
  ok: boolean;
  id?: number | null;
  error?: string;
}

/** One embedded sshd shared by every store of a test file; each store has its own data dir. */
export class Lab {
  private constructor(
    readonly dir: string,
    private readonly sshd: EmbeddedSshd,
    private readonly keyFile: string,
  ) {}

  static async start(): Promise<Lab> {
    const dir = mkdtempSync(join(tmpdir(), 'hana-vdb-meta-'));
    const key = generateUserKeyPair(join(dir, 'user'));
    writeFileSync(join(dir, 'authorized_keys'), `${key.publicKeyLine}\n`);
    const home = join(dir, 'home');
    mkdirSync(home);
    const sshd = await startEmbeddedSshd({
      hostKeyFile: join(dir, 'host', 'key'),
      authorizedKeysFile: join(dir, 'authorized_keys'),
      home,
    });
    return new Lab(dir, sshd, key.privateKeyFile);
  }

  async stop(): Promise<void> {
    await this.sshd.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A fresh store with the environment "lab" added (discovery of PRD and QAS). */
  async newStore(name: string): Promise<EngineStore> {
    const root = join(this.dir, name);
    mkdirSync(join(root, 'mounts'), { recursive: true });
    const store = new EngineStore(root, this.sshd, this.keyFile);
    await store.runRaw([
      {
        op: 'addEnv',
        input: {
          name: 'lab',
          address: this.sshd.host,
          port: this.sshd.port,
          hostKeyFingerprint: this.sshd.hostKeyFingerprint,
          knownHostsFile: null,
          acceptNew: false,
          scratchPath: join(root, 'scratch'),
          user: { name: this.sshd.user, authKind: 'key', keyFile: this.keyFile, passwordEnv: null },
        },
      },
    ]);
    return store;
  }
}

export class EngineStore {
  readonly dataDir: string;
  readonly scenarioFile: string;
  constructor(
    readonly root: string,
    private readonly sshd: EmbeddedSshd,
    private readonly keyFile: string,
  ) {
    this.dataDir = join(root, 'data');
    this.scenarioFile = join(root, 'scenario.json');
  }

  private plan(steps: unknown[]): string {
    const file = join(this.root, `plan-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ dataDir: this.dataDir, pluginDir: PLUGIN, scenarioFile: this.scenarioFile, steps }));
    return file;
  }

  private expand(s: Step): Record<string, unknown> {
    const linkParams = (tenant: string, rpo: number, maxDrift?: number) => ({
      backupSource: 'S3_BACKINT',
      sourceTenant: tenant,
      rpoOffsetMinutes: rpo,
      sourceUserStoreKey: 'PRDSYS',
      backintParameterFile: this.scenarioFile,
      coveragePolicy: 'wait',
      coverageWaitTimeoutSeconds: 900,
      maxDriftSeconds: maxDrift ?? 0,
      driftAction: 'warn',
    });
    switch (s.op) {
      case 'link':
        return {
          op: 'link',
          scenario: s.scenario,
          mayFail: s.mayFail,
          input: {
            name: s.name,
            environment: 'lab',
            repository: 'PRD',
            sourceConfig: `${s.tenant}@PRD`,
            parameters: linkParams(s.tenant, s.rpoOffsetMinutes, s.maxDriftSeconds),
          },
        };
      case 'provision':
        return {
          op: 'provision',
          scenario: s.scenario,
          mayFail: s.mayFail,
          input: {
            name: s.name,
            snapshotId: s.snapshotId,
            environment: 'lab',
            repository: 'QAS',
            parameters: {
              targetTenant: s.tenant,
              targetUserStoreKey: 'QASSYS',
              backintParameterFile: this.scenarioFile,
              mountBase: join(this.root, 'mounts'),
              ...(s.maxDriftSeconds !== undefined ? { maxDriftSeconds: s.maxDriftSeconds } : {}),
            },
          },
        };
      default:
        return { ...s };
    }
  }

  /** Runs the steps in one engine process; resolves with each step's result. */
  async run(steps: Step[]): Promise<StepResult[]> {
    return this.runRaw(steps.map((s) => this.expand(s)));
  }

  async runRaw(steps: unknown[]): Promise<StepResult[]> {
    const { code, stdout, stderr } = await runNode([DRIVER, this.plan(steps)]);
    const results = stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as StepResult);
    if (code !== 0) throw new Error(`engine run failed (exit ${code}): ${stdout}\n${stderr}`);
    return results;
  }

  /**
   * Starts the step in an engine process, waits until the plugin signals that the step is under way (it
   * writes `marker` and then waits forever), and kills the process: a job interrupted mid-way.
   */
  async runAndKill(step: Step, marker: string): Promise<void> {
    const child = spawn(process.execPath, [DRIVER, this.plan([this.expand(step)])], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await waitFor(() => existsSync(marker), child);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    }
  }
}

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Polls a condition while the child lives (a condition on files the child writes, not on elapsed time). */
async function waitFor(cond: () => boolean, child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d));
  while (!cond()) {
    if (child.exitCode !== null) throw new Error(`the engine process ended before the step started: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
