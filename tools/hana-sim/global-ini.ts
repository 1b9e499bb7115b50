/**
 * global.ini of a simulated system as a real file (the SYSTEM layer, `custom/config/global.ini`): what HANA reads
 * for its backup settings, what `SYS.M_INIFILE_CONTENTS` shows and what `ALTER SYSTEM ALTER CONFIGURATION` writes.
 * HANA's ini dialect is `[section]` and `key = value` lines; a parser of our own keeps values verbatim (the common
 * ini packages turn `true` into a boolean and give `[]` and quotes meanings HANA's files do not have).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** section → key → value, in file order. */
export type IniContents = Map<string, Map<string, string>>;

export function parseIni(text: string, file: string): IniContents {
  const out: IniContents = new Map();
  let section: Map<string, string> | undefined;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[([^\]]+)\]$/.exec(line);
    if (head) {
      const name = head[1]!.trim();
      section = out.get(name) ?? new Map<string, string>();
      out.set(name, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !section) throw new Error(`${file}:${i + 1}: expected "[section]" or "key = value", found "${line}"`);
    section.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}

export function formatIni(ini: IniContents): string {
  return [...ini.entries()]
    .filter(([, keys]) => keys.size > 0)
    .map(([name, keys]) => `[${name}]\n${[...keys.entries()].map(([k, v]) => `${k} = ${v}\n`).join('')}`)
    .join('\n');
}

export function readIni(file: string): IniContents {
  return existsSync(file) ? parseIni(readFileSync(file, 'utf8'), file) : new Map();
}

/** Writes through a temporary file so a reader never sees half a file. */
export function writeIni(file: string, ini: IniContents): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, formatIni(ini));
  renameSync(`${file}.tmp`, file);
}

/** A name HANA would accept as section or key: no brackets, `=`, line breaks or surrounding blanks. */
const NAME = /^[A-Za-z0-9_.\-/]{1,128}$/;

export interface IniChange {
  section: string;
  key: string;
  /** undefined: UNSET. */
  value?: string;
}

/** Applies SET/UNSET changes to the file; throws naming the bad section, key or value. */
export function changeIni(file: string, changes: readonly IniChange[]): void {
  const ini = readIni(file);
  for (const c of changes) {
    if (!NAME.test(c.section)) throw new Error(`section '${c.section}' is not a valid configuration section name`);
    if (!NAME.test(c.key)) throw new Error(`key '${c.key}' is not a valid configuration parameter name`);
    if (c.value !== undefined && /[\r\n]/.test(c.value)) throw new Error(`the value of ${c.section}/${c.key} has a line break`);
    const keys = ini.get(c.section) ?? new Map<string, string>();
    if (c.value === undefined) keys.delete(c.key);
    else keys.set(c.key, c.value.trim());
    ini.set(c.section, keys);
  }
  writeIni(file, ini);
}
