/**
 * global.ini as HANA applies it, from `SYS.M_INIFILE_CONTENTS` rows (FILE_NAME, LAYER_NAME, TENANT_NAME, HOST,
 * SECTION, KEY, VALUE): one key can be set on several layers and the most specific wins — DATABASE (for that
 * tenant), then HOST (for that host), then SYSTEM, then DEFAULT.
 */
import type { HdbsqlOutput } from '../hdbsql/output.js';

export interface IniEntry {
  layer: string;
  tenant: string | null;
  host: string | null;
  section: string;
  key: string;
  value: string;
}

export const INI_COLUMNS = 'FILE_NAME, LAYER_NAME, TENANT_NAME, HOST, SECTION, KEY, VALUE';

/** Rows of the query in sql.ts (`globalIniSection`); rows of other files are left out. */
export function parseIniRows(out: HdbsqlOutput, file = 'global.ini'): IniEntry[] {
  const entries: IniEntry[] = [];
  for (const r of out.rows) {
    const [fileName, layer, tenant, host, section, key, value] = r;
    if (fileName !== file || !layer || !section || !key) continue;
    entries.push({ layer, tenant: tenant || null, host: host || null, section, key, value: value ?? '' });
  }
  return entries;
}

const RANK: Record<string, number> = { DATABASE: 4, HOST: 3, SYSTEM: 2, DEFAULT: 1 };

/** The value HANA uses for section/key (on that tenant and host when given), or null when no layer sets it. */
export function iniValue(
  entries: readonly IniEntry[],
  section: string,
  key: string,
  scope: { tenant?: string; host?: string } = {},
): string | null {
  let best: { rank: number; value: string } | null = null;
  for (const e of entries) {
    if (e.section !== section || e.key !== key) continue;
    if (e.layer === 'DATABASE' && (!scope.tenant || e.tenant !== scope.tenant)) continue;
    if (e.layer === 'HOST' && scope.host && e.host && e.host !== scope.host) continue;
    const rank = RANK[e.layer] ?? 0;
    if (!best || rank > best.rank) best = { rank, value: e.value };
  }
  return best?.value ?? null;
}
