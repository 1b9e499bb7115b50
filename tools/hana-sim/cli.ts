/**
 * `hana-vdb sim …` (argv = the words after `sim`):
 *   sim start [--backint hana-backint|commvault|aws] [--hana-version SID=V[,SID=V]]
 *             [--driven] [--start-at ISO] [--log-shipping-lag S] [--markers-every S] [--no-ssh] [--bare] [--root DIR]
 *     (ready landscape unless --bare: PRD/ERP has a data backup and an hour of log backups; see ready.ts)
 *   sim clock [--set ISO | --advance SECONDS]
 *   sim status
 *   sim fault slow-recovery MS | crash-recovery [STEP] | delete-backup SID DATABASE BACKUP_ID |
 *             backint-failure FUNCTION (MESSAGE | --clear) | privileges SID USER [PRIV,PRIV…] [--database DB] |
 *             log-shipping-lag SECONDS | backup-encryption SID [--clear] | sr-secondary-down SID [--clear] |
 *             tenant-transitions MS [STOP_MS]
 *   sim workload start SID DATABASE --every SECONDS [--table NAME] | stop SID DATABASE
 *   sim sshd-config
 * Root: <data dir>/sim unless --root. Exit: 0 ok, 1 user error. The words and options are declared once, in
 * SIM_SPEC: the parser and --help read it.
 */
import { join } from 'node:path';
import type { CliContext } from '../../src/engine/cli/command.js';
import { optionNames, parseOwn, type CommandSpec } from '../../src/engine/cli/program.js';
import { UserError } from '../../src/sdk/errors.js';
import { control, readServerInfo, type ServerInfo } from './control-client.js';
import { FAULT_WORDS, faultCommandRequest } from './fault-commands.js';
import { startLandscape, type Landscape } from './landscape.js';
import { openSshConfigSnippet } from './openssh.js';
import { READY_SECONDS, readyLandscape, type ReadyReport } from './ready.js';
import type { ControlRequest, StatusReply } from './server.js';
import { systemPaths } from './paths.js';
import { ALL_PRIVILEGES, BACKINT_TOOLS, defaultLandscape, HANA_VERSION, type BackintTool, type Privilege } from './spec.js';

interface Parsed {
  words: string[];
  flags: Map<string, string | true>;
}

const ROOT = { flags: '--root <DIR>', description: "the simulator's directory (default: <data dir>/sim)" };
const FAULTS = [
  'Kinds:',
  '  slow-recovery MS | crash-recovery [STEP] | delete-backup SID DATABASE BACKUP_ID',
  '  backint-failure FUNCTION (MESSAGE | --clear) | privileges SID USER [PRIV,PRIV…] [--database DB]',
  '  log-shipping-lag SECONDS | backup-encryption SID [--clear] | sr-secondary-down SID [--clear]',
  '  tenant-transitions MS [STOP_MS]',
].join('\n');

/** `hana-vdb sim`'s words and options, declared once: the parser below and --help both read this. */
export const SIM_SPEC: CommandSpec = {
  name: 'sim',
  summary: 'the simulated HANA landscape: start, clock, fault',
  examples: ['hana-vdb sim start', 'hana-vdb sim clock --advance 600', 'hana-vdb sim fault tenant-transitions 0'],
  subcommands: [
    {
      name: 'start',
      summary: 'run the landscape in the foreground (Ctrl-C stops it); ready for a first VDB unless --bare',
      options: [
        { flags: '--backint <TOOL>', description: `Backint agent: ${BACKINT_TOOLS.join(', ')}`, choices: [...BACKINT_TOOLS] },
        { flags: '--hana-version <SID=V,...>', description: 'server versions, e.g. QAS=2.00.070.00.1679989823' },
        { flags: '--driven', description: 'the clock moves only on sim clock (else with the wall clock)' },
        { flags: '--start-at <ISO>', description: 'simulated start time (default: an hour before now, or now with --bare)' },
        { flags: '--log-shipping-lag <S>', description: 'seconds before a log backup is visible in the Backint store' },
        { flags: '--markers-every <S>', description: 'write a marker row into PRD/ERP every S simulated seconds' },
        { flags: '--no-ssh', description: 'no embedded SSH server' },
        { flags: '--bare', description: 'skip the ready step (initial data backup, an hour of log backups)' },
        ROOT,
      ],
      examples: ['hana-vdb sim start', 'hana-vdb sim start --backint aws --driven', 'hana-vdb sim start --bare --json'],
    },
    {
      name: 'clock',
      summary: 'print the simulated time, or move it',
      options: [
        { flags: '--set <ISO>', description: 'set the clock (forward only)' },
        { flags: '--advance <SECONDS>', description: 'move the clock forward; due events (log backups, markers) run' },
        ROOT,
      ],
      examples: ['hana-vdb sim clock', 'hana-vdb sim clock --advance 600', 'hana-vdb sim clock --set 2024-05-06T12:00:00Z'],
    },
    { name: 'status', summary: 'systems, tenants and the simulated time', options: [ROOT], examples: ['hana-vdb sim status'] },
    {
      name: 'fault',
      summary: 'inject a fault into the running landscape',
      args: ['<KIND>', '[ARGS...]'],
      options: [
        { flags: '--clear', description: 'remove the fault' },
        { flags: '--database <DB>', description: 'privileges: the database of the user (default SYSTEMDB)' },
        ROOT,
      ],
      examples: ['hana-vdb sim fault backup-encryption PRD', 'hana-vdb sim fault backint-failure restore --clear'],
      notes: FAULTS,
    },
    {
      name: 'workload',
      summary: 'write marker rows into a tenant at a fixed interval, or stop',
      args: ['<start|stop>', '<SID>', '<DATABASE>'],
      options: [
        { flags: '--every <SECONDS>', description: 'start: simulated seconds between rows' },
        { flags: '--table <NAME>', description: 'start: the table to write (default: a marker table)' },
        ROOT,
      ],
      examples: ['hana-vdb sim workload start PRD ERP --every 60', 'hana-vdb sim workload stop PRD ERP'],
    },
    {
      name: 'sshd-config',
      summary: "print an OpenSSH sshd_config snippet for the landscape's hosts",
      options: [ROOT],
      examples: ['hana-vdb sim sshd-config'],
    },
  ],
};

const { valued: VALUED, switches: SWITCHES } = optionNames((SIM_SPEC.subcommands ?? []).flatMap((c) => c.options ?? []));

function parse(argv: string[]): Parsed {
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json' || a === '--debug') continue;
    if (a.startsWith('--')) {
      if (VALUED.has(a)) {
        const v = argv[++i];
        if (v === undefined)
          throw new UserError(
            `${a} needs a value`,
            `e.g. ${a} ${a === '--set' || a === '--start-at' ? '2024-01-01T12:00:00Z' : '60'}`,
          );
        flags.set(a, v);
      } else if (SWITCHES.has(a)) flags.set(a, true);
      else throw new UserError(`unknown option ${a}`, 'see `hana-vdb sim --help`');
    } else words.push(a);
  }
  return { words, flags };
}

function num(flags: Map<string, string | true>, name: string, text?: string): number {
  const v = text ?? flags.get(name);
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v))
    throw new UserError(
      `${name}: "${String(v)}" is not a non-negative number`,
      `give ${name} a number of seconds, e.g. ${name} 60`,
    );
  return Number(v);
}

function rootOf(p: Parsed, ctx: CliContext): string {
  const r = p.flags.get('--root');
  return typeof r === 'string' ? r : join(ctx.dataDir, 'sim');
}

function running(root: string): ServerInfo {
  const info = readServerInfo(root);
  if (!info)
    throw new UserError(
      `no simulator is running on ${root}`,
      'start one with `hana-vdb sim start` (same --data-dir) and keep it running',
    );
  return info;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What `sim start --json` prints (docs/COMMANDS.md: ssh + systems, plus root and clock). */
export function startSummary(l: Landscape, status: StatusReply, ready?: ReadyReport): object {
  return {
    root: l.root,
    ...(ready ? { ready } : {}),
    clock: { now: iso(status.nowMs), driven: status.driven },
    ssh: l.ssh ?? null,
    systems: status.systems.map((s) => ({
      sid: s.sid,
      instance: s.instance,
      host: s.host,
      utcOffset: s.utcOffset,
      tenants: s.tenants,
      usrSap: join(l.root, 'usr', 'sap'),
      backintParameterFile: s.backintParameterFile,
      userStoreKeys: s.userStoreKeys,
    })),
  };
}

/** --hana-version PRD=2.00.076.00.1705400033,QAS=2.00.070.00.1679989823: server versions per system. */
function setVersions(spec: ReturnType<typeof defaultLandscape>, text: string): void {
  for (const pair of text.split(',')) {
    const [sid, version] = pair.split('=');
    const sys = spec.systems.find((s) => s.sid === sid);
    if (!sys || !version || !HANA_VERSION.test(version))
      throw new UserError(
        `--hana-version: "${pair}" is not <SID>=<version> of a system of the landscape ` +
          `(${spec.systems.map((s) => s.sid).join(', ')})`,
        'e.g. --hana-version QAS=2.00.070.00.1679989823',
      );
    sys.version = version;
  }
}

export function backintTool(value: string | true): BackintTool {
  if (typeof value === 'string' && (BACKINT_TOOLS as readonly string[]).includes(value)) return value as BackintTool;
  throw new UserError(`--backint ${String(value)} is not a Backint tool`, `use one of ${BACKINT_TOOLS.join(', ')}`);
}

async function start(p: Parsed, ctx: CliContext): Promise<number> {
  const root = rootOf(p, ctx);
  if (readServerInfo(root))
    throw new UserError(`a simulator already runs on ${root}`, 'stop it first (Ctrl-C in its terminal) or use another --data-dir');
  const spec = defaultLandscape();
  if (p.flags.has('--log-shipping-lag'))
    spec.backint = { ...spec.backint, logShippingLagSeconds: num(p.flags, '--log-shipping-lag') };
  const versions = p.flags.get('--hana-version');
  if (typeof versions === 'string') setVersions(spec, versions);
  const tool = p.flags.get('--backint');
  if (tool !== undefined) spec.backint = { ...spec.backint, tool: backintTool(tool) };
  const bare = p.flags.has('--bare');
  const given = p.flags.get('--start-at');
  // The ready step lets an hour pass: start that much earlier, so the clock ends near the wall clock.
  const startAt = typeof given === 'string' ? given : bare ? undefined : iso(Date.now() - (READY_SECONDS + 300) * 1000);
  const l = await startLandscape({
    root,
    landscape: spec,
    clock: { driven: p.flags.has('--driven'), startAt },
    ssh: !p.flags.has('--no-ssh'),
  });
  try {
    const ready = bare ? undefined : await readyLandscape(l, { source: 'PRD', tenant: 'ERP', target: 'QAS' });
    if (p.flags.has('--markers-every'))
      await l.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: num(p.flags, '--markers-every') });
    if (ctx.json) ctx.stdout(JSON.stringify(startSummary(l, await l.status(), ready)) + '\n');
    else {
      let text = `Simulated HANA landscape under ${root} (Ctrl-C stops it)\n`;
      if (l.ssh)
        text +=
          `SSH: ssh -i ${l.ssh.privateKeyFile} -p ${l.ssh.port} ${l.ssh.user}@${l.ssh.host}  (host ` +
          `key ${l.ssh.hostKeyFingerprint})\n` +
          `Engine: hana-vdb env add sim --host ${l.ssh.host} --port ${l.ssh.port} --user ${l.ssh.user} ` +
          `--key ${l.ssh.privateKeyFile} --host-key ${l.ssh.hostKeyFingerprint}\n`;
      for (const s of l.systems) {
        text +=
          `${s.sid} HDB${s.instance} on ${s.host} (UTC${s.utcOffset}): tenants ` +
          `${s.tenants.join(', ')}\n  hdbsql: ${s.paths.hdbsql}\n`;
        for (const k of s.userStoreKeys) text += `  key ${k.key.padEnd(14)} ${k.user}@${k.database} ${k.env}  ${k.purpose}\n`;
      }
      if (ready)
        text +=
          `Ready: ${ready.source}/${ready.tenant} has data backup ${ready.dataBackup} and ${ready.logBackups} log ` +
          `backups; key ${ready.catalogKey} is readable on ${ready.targetHost}\n`;
      text += `Clock: hana-vdb sim clock [--set ISO | --advance SECONDS]\n`;
      ctx.stdout(text);
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    await l.close();
  }
  return 0;
}

async function clock(p: Parsed, ctx: CliContext): Promise<number> {
  const req: Extract<ControlRequest, { op: 'clock' }> = { op: 'clock' };
  const set = p.flags.get('--set');
  if (typeof set === 'string') {
    req.setMs = Date.parse(set);
    if (Number.isNaN(req.setMs))
      throw new UserError(`--set: "${set}" is not an ISO-8601 instant`, 'e.g. --set 2024-01-01T12:00:00Z');
  }
  if (p.flags.has('--advance')) req.advanceSeconds = num(p.flags, '--advance');
  if (req.setMs !== undefined && req.advanceSeconds !== undefined)
    throw new UserError('give --set or --advance, not both', 'run the command twice');
  const r = await control<{ nowMs: number; driven: boolean }>(running(rootOf(p, ctx)), req);
  ctx.stdout(
    ctx.json ? JSON.stringify({ now: iso(r.nowMs), driven: r.driven }) + '\n' : `${iso(r.nowMs)}${r.driven ? ' (driven)' : ''}\n`,
  );
  return 0;
}

async function fault(p: Parsed, ctx: CliContext): Promise<number> {
  const info = running(rootOf(p, ctx));
  const [, kind, ...args] = p.words;
  const own = await faultCommandRequest(info, kind, args, p.flags.has('--clear'));
  let req: ControlRequest;
  switch (own ? 'fault-commands.ts' : kind) {
    case 'fault-commands.ts':
      req = own!;
      break;
    case 'slow-recovery':
      req = { op: 'faults', settings: { recoveryStepDelayMs: num(p.flags, 'MS', args[0]) } };
      break;
    case 'crash-recovery':
      req = {
        op: 'faults',
        settings: { crashRecoveryAtStep: p.flags.has('--clear') ? null : args[0] ? num(p.flags, 'STEP', args[0]) : 2 },
      };
      break;
    case 'delete-backup':
      if (args.length !== 3)
        throw new UserError('delete-backup needs SID DATABASE BACKUP_ID', 'e.g. sim fault delete-backup PRD ERP 1718000000000');
      req = { op: 'delete-backup', sid: args[0]!, database: args[1]!, backupId: num(p.flags, 'BACKUP_ID', args[2]) };
      break;
    case 'backint-failure': {
      const fn = args[0];
      if (!fn || !['backup', 'restore', 'inquire', 'delete'].includes(fn))
        throw new UserError('backint-failure needs a function', 'backup, restore, inquire or delete');
      if (!p.flags.has('--clear') && !args[1])
        throw new UserError(
          'backint-failure needs the console message or --clear',
          'e.g. sim fault backint-failure restore "media server unreachable"',
        );
      req = { op: 'backint-failure', function: fn as 'backup', message: p.flags.has('--clear') ? null : args.slice(1).join(' ') };
      break;
    }
    case 'privileges': {
      const [sid, user, list] = args;
      if (!sid || !user) throw new UserError('privileges needs SID USER [PRIV,PRIV…]', `privileges: ${ALL_PRIVILEGES.join(', ')}`);
      const privs = (list ?? '')
        .split(',')
        .map((x) => x.trim().toUpperCase())
        .filter(Boolean);
      const bad = privs.find((x) => !ALL_PRIVILEGES.includes(x as Privilege));
      if (bad) throw new UserError(`unknown privilege ${bad}`, `use one of: ${ALL_PRIVILEGES.join(', ')}`);
      const db = p.flags.get('--database');
      req = {
        op: 'privileges',
        sid,
        user: user.toUpperCase(),
        privileges: privs as Privilege[],
        database: typeof db === 'string' ? db : undefined,
      };
      break;
    }
    case 'log-shipping-lag':
      req = { op: 'log-shipping-lag', seconds: num(p.flags, 'SECONDS', args[0]) };
      break;
    default:
      throw new UserError(
        `unknown fault ${kind ?? ''}`,
        `slow-recovery, crash-recovery, delete-backup, backint-failure, privileges, log-shipping-lag, ${FAULT_WORDS.join(', ')}`,
      );
  }
  const r = await control<unknown>(info, req);
  ctx.stdout(ctx.json ? JSON.stringify({ ok: true, result: r }) + '\n' : `ok ${JSON.stringify(r)}\n`);
  return 0;
}

async function workload(p: Parsed, ctx: CliContext): Promise<number> {
  const info = running(rootOf(p, ctx));
  const [, action, sid, database] = p.words;
  if ((action !== 'start' && action !== 'stop') || !sid || !database)
    throw new UserError('workload needs start|stop SID DATABASE', 'e.g. sim workload start PRD ERP --every 60');
  const table = p.flags.get('--table');
  const r = await control<unknown>(info, {
    op: 'workload',
    action,
    sid,
    database,
    everySeconds: action === 'start' ? num(p.flags, '--every') : undefined,
    table: typeof table === 'string' ? table : undefined,
  });
  ctx.stdout(ctx.json ? JSON.stringify(r) + '\n' : `${JSON.stringify(r)}\n`);
  return 0;
}

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = argv[0] === 'sim' ? argv.slice(1) : argv;
  if (args.includes('--help') || args.includes('-h')) {
    // Help for the words given (sim, sim start, sim fault …), from SIM_SPEC.
    const words = args.filter((a) => !a.startsWith('-')).slice(0, 1);
    const { help } = (await parseOwn(SIM_SPEC, [...words, '--help'])) as { help: string };
    ctx.stdout(ctx.json ? `${JSON.stringify({ usage: help.split('\n').filter(Boolean) })}\n` : help);
    return 0;
  }
  const p = parse(args);
  const root = rootOf(p, ctx);
  switch (p.words[0]) {
    case 'start':
      return start(p, ctx);
    case 'clock':
      return clock(p, ctx);
    case 'status': {
      const s = await control<StatusReply>(running(root), { op: 'status' });
      ctx.stdout(
        ctx.json
          ? JSON.stringify(s) + '\n'
          : s.systems.map((x) => `${x.sid}: ${x.tenants.join(', ')}`).join('\n') + `\nnow ${iso(s.nowMs)}\n`,
      );
      return 0;
    }
    case 'fault':
      return fault(p, ctx);
    case 'workload':
      return workload(p, ctx);
    case 'sshd-config': {
      const s = await control<StatusReply>(running(root), { op: 'status' });
      const snippet = openSshConfigSnippet(
        root,
        s.systems.map((x) => systemPaths(root, x).exeDir),
      );
      ctx.stdout(ctx.json ? JSON.stringify({ snippet }) + '\n' : snippet);
      return 0;
    }
    default:
      throw new UserError(
        `unknown sim command ${p.words[0] ?? ''}`,
        'use sim start | clock | status | fault | workload | sshd-config',
      );
  }
}
