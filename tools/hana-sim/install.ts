/**
 * Lays a system out on disk as HANA would (under <root>/usr/sap): exe/hdbsql and exe/hdbuserstore (scripts
 * running node on the simulator's client programs), exe/manifest, the trace directories, global.ini with the
 * [backup] settings, the hdbbackint wrapper and the agent's parameter file.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeIni } from './global-ini.js';
import { backintStoreDir, clockFile, databaseTraceDir, systemPaths } from './paths.js';
import type { BackintSpec, SystemSpec } from './spec.js';

/** Repository root (dist/tools/hana-sim/install.js → ../../..). */
export function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, here.includes(`${join('dist', 'tools')}`) ? '../../..' : '../..');
}

function sh(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function writeExecutable(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

export function faultDir(root: string): string {
  return join(root, 'faults');
}

function yamlValue(v: string | number | boolean): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export function writeBackintParameterFile(
  root: string,
  system: Pick<SystemSpec, 'sid' | 'instance' | 'host'>,
  backint: BackintSpec,
): void {
  const p = systemPaths(root, system);
  if (backint.tool === 'commvault' || backint.tool === 'aws') {
    // The tool's own queue, not its parameter file: the DBA's file stays as written (and as a test edits it).
    writeFileSync(emulLagFile(root), String(backint.logShippingLagSeconds ?? 0));
    return;
  }
  const params: Record<string, string | number | boolean> = {
    StoreType: 'filesystem',
    FilesystemRoot: backintStoreDir(root),
    ClockFile: clockFile(root),
    LogVisibilityDelaySeconds: backint.logShippingLagSeconds ?? 0,
    // The media server that receives the logs late receives the catalog backups that follow them late too.
    LogVisibilityDelayIncludesCatalog: true,
    ...(backint.parameters ?? {}),
  };
  mkdirSync(dirname(p.backintParameterFile), { recursive: true });
  writeFileSync(
    p.backintParameterFile,
    Object.entries(params)
      .map(([k, v]) => `${k}: ${yamlValue(v)}`)
      .join('\n') + '\n',
  );
}

function emulLagFile(root: string): string {
  return join(backintStoreDir(root), 'emulated-log-lag-seconds');
}

/** The hdbbackint command of the landscape's tool: our agent, or tools/backint-emul with the host's identity. */
function agentCommand(root: string, system: Pick<SystemSpec, 'sid' | 'host'>, backint: BackintSpec): string[] {
  const node = process.execPath;
  if (backint.tool !== 'commvault' && backint.tool !== 'aws')
    return backint.agentCommand ?? [node, join(repoRoot(), 'bin/hana-backint.js')];
  const identity = ['--sid', system.sid, '--client', system.host, '--store', join(backintStoreDir(root), 'emulated')];
  const sim = ['--clock', clockFile(root), '--log-lag-file', emulLagFile(root)];
  return [node, join(repoRoot(), 'dist/tools/backint-emul/main.js'), backint.tool, ...identity, ...sim, '--'];
}

/** The vendor's parameter file as its installer / the CommCell admin leaves it (tools/backint-emul/README.md). */
function writeVendorParameterFile(file: string, system: Pick<SystemSpec, 'sid'>, backint: BackintSpec): void {
  const cross = backint.crossRestoreSource !== undefined && backint.crossRestoreSource !== system.sid;
  const text =
    backint.tool === 'commvault'
      ? [
          'CvInstanceName Instance001',
          ...(cross ? [`CvSrcClientName ${backint.crossRestoreClient}`, `srcCrossSIDName ${backint.crossRestoreSource}`] : []),
        ]
      : [
          'S3BucketName: "hana-backups"',
          'S3BucketFolder: "hana"',
          'S3BucketAwsRegion: "us-east-1"',
          'S3BucketOwnerAccountID: "111122223333"',
        ];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text.join('\n') + '\n');
}

export function installSystem(
  root: string,
  system: SystemSpec & { version: string; clientVersion: string },
  backint: BackintSpec,
  iniBackup: Record<string, string>,
): void {
  const p = systemPaths(root, system);
  const repo = repoRoot();
  const node = process.execPath;
  const env = `HANA_SIM_ROOT=${sh(root)} HANA_SIM_SID=${system.sid} HANA_SIM_CLIENT_VERSION=${system.clientVersion}`;
  writeExecutable(
    join(p.exeDir, 'hdbsql'),
    `#!/bin/sh\n# hdbsql of simulated ${system.sid} (hana-vdb tools/hana-sim)\n${env} exec ` +
      `${sh(node)} ${sh(join(repo, 'dist/tools/hana-sim/hdbsql-main.js'))} "$@"\n`,
  );
  writeExecutable(
    join(p.exeDir, 'hdbuserstore'),
    `#!/bin/sh\n# hdbuserstore of simulated ${system.sid} (hana-vdb tools/hana-sim)\n${env} ` +
      `exec ${sh(node)} ${sh(join(repo, 'dist/tools/hana-sim/hdbuserstore-main.js'))} "$@"\n`,
  );
  writeExecutable(
    join(p.exeDir, 'hdbnsutil'),
    `#!/bin/sh\n# hdbnsutil of simulated ${system.sid}: -recoverRootKeys only (hdbnsutil.ts)\n${env} ` +
      `exec ${sh(node)} ${sh(join(repo, 'dist/tools/hana-sim/hdbnsutil-main.js'))} "$@"\n`,
  );
  writeExecutable(
    join(p.exeDir, 'sudo'),
    `#!/bin/sh\n# sudo of the simulated host: -u USER [-i] [-n] COMMAND, users = <root>/home/* (sudo.ts)\n${env} ` +
      `exec ${sh(node)} ${sh(join(repo, 'dist/tools/hana-sim/sudo-main.js'))} "$@"\n`,
  );
  writeFileSync(
    join(p.exeDir, 'manifest'),
    `release: ${system.version.split('.').slice(0, 3).join('.')}\nfullversion: ${system.version} Build simulated hana-vdb\n`,
  );
  for (const db of ['SYSTEMDB', ...system.tenants]) mkdirSync(databaseTraceDir(p, db), { recursive: true });
  const agent = agentCommand(root, system, backint);
  writeExecutable(
    p.hdbbackint,
    [
      '#!/bin/sh',
      `# hdbbackint of simulated ${system.sid}: the configured Backint agent. A file ${faultDir(root)}/backint-<function>`,
      '# makes this function fail with exit 1 and the file text as console output (simulator fault).',
      'fn=""; prev=""',
      'for a in "$@"; do [ "$prev" = "-f" ] && fn="$a"; prev="$a"; done',
      `if [ -n "$fn" ] && [ -f ${sh(faultDir(root))}/"backint-$fn" ]; then cat ${sh(faultDir(root))}/"backint-$fn" >&2; exit 1; fi`,
      `exec ${agent.map(sh).join(' ')} "$@"`,
      '',
    ].join('\n'),
  );
  if (backint.tool === 'commvault' || backint.tool === 'aws') writeVendorParameterFile(p.backintParameterFile, system, backint);
  mkdirSync(backintStoreDir(root), { recursive: true });
  writeBackintParameterFile(root, system, backint);
  // A restarted system keeps its global.ini (with what ALTER SYSTEM ALTER CONFIGURATION wrote); a new one gets the defaults.
  if (!existsSync(p.globalIni)) writeIni(p.globalIni, new Map([['backup', new Map(Object.entries(iniBackup))]]));
  mkdirSync(p.backintDir, { recursive: true });
  mkdirSync(backintStoreDir(root), { recursive: true });
}
