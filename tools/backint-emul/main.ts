/**
 * hdbbackint of an emulated tool, as the simulator installs it:
 *   node main.js <commvault|aws> --sid SID --client NAME --store DIR [--release 2024e|2022e|11.16]
 *                [--clock FILE] [--log-lag SECONDS | --log-lag-file FILE] -- <the options HANA passes>
 * Everything before `--` is the simulated host's identity, never something the tool reads from HANA.
 */
import { existsSync, readFileSync } from 'node:fs';
import { emulate, type EmulatorOptions } from './emulate.js';
import type { CommvaultRelease } from './vendor-params.js';

const RELEASES: readonly CommvaultRelease[] = ['2024e', '2022e', '11.16'];

export function parseHostArgs(argv: readonly string[]): { options: EmulatorOptions; hanaArgs: string[] } {
  const sep = argv.indexOf('--');
  if (sep < 1) throw new Error('usage: main.js <commvault|aws> --sid SID --client NAME --store DIR [...] -- <hdbbackint options>');
  const tool = argv[0];
  if (tool !== 'commvault' && tool !== 'aws') throw new Error(`unknown tool ${JSON.stringify(tool)}: use commvault or aws`);
  const kv = new Map<string, string>();
  for (let i = 1; i < sep; i += 2) kv.set(argv[i]!, argv[i + 1] ?? '');
  const release = (kv.get('--release') ?? '2024e') as CommvaultRelease;
  if (!RELEASES.includes(release)) throw new Error(`--release ${release}: use one of ${RELEASES.join(', ')}`);
  const need = (k: string) => {
    const v = kv.get(k);
    if (!v) throw new Error(`${k} is required`);
    return v;
  };
  const lagFile = kv.get('--log-lag-file');
  const lagText = lagFile && existsSync(lagFile) ? readFileSync(lagFile, 'utf8').trim() : kv.get('--log-lag');
  const lag = Number(lagText ?? '0');
  if (!Number.isFinite(lag) || lag < 0) throw new Error('--log-lag must be a number of seconds >= 0');
  return {
    options: {
      tool,
      sid: need('--sid'),
      client: need('--client'),
      store: need('--store'),
      release,
      clockFile: kv.get('--clock'),
      logLagSeconds: lag,
    },
    hanaArgs: argv.slice(sep + 1),
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseHostArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`backint-emul: ${(e as Error).message}\n`);
    return 2;
  }
  return emulate(parsed.options, parsed.hanaArgs, (s) => process.stderr.write(s));
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`backint-emul: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
