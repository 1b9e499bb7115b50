/**
 * For hosting the simulated programs behind a real OpenSSH sshd (the engine's OpenSSH suite): an
 * sshd_config snippet whose SetEnv puts the exe directories first on PATH and sets HANA_VDB_USR_SAP.
 */
import { writeFileSync } from 'node:fs';
import { sessionEnv } from './landscape.js';

/** `exeDirs`: <usr/sap>/<SID>/HDB<nr>/exe of each system, first on PATH. */
export function openSshConfigSnippet(root: string, exeDirs: string[]): string {
  const env = sessionEnv(root, exeDirs);
  const quote = (v: string) => (/[\s"]/.test(v) ? `"${v.replace(/"/g, '\\"')}"` : v);
  return `# hana-vdb simulator (${root}): programs of the simulated HANA hosts on PATH\nSetEnv ${Object.entries(env)
    .map(([k, v]) => quote(`${k}=${v}`))
    .join(' ')}\n`;
}

export function writeOpenSshConfigSnippet(file: string, root: string, exeDirs: string[]): void {
  writeFileSync(file, openSshConfigSnippet(root, exeDirs));
}
