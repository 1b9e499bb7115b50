/**
 * Parses the system statements the simulator executes itself (everything else goes to SQLite):
 * ALTER SYSTEM START|STOP DATABASE, CREATE|DROP DATABASE, BACKUP DATA, RECOVER DATABASE|DATA.
 * Token-based; RECOVER clauses may come in any order, as the published examples show.
 */
import type { IniChange } from './global-ini.js';
import { errors, SqlError } from './sql-errors.js';
import { tokenizeSql, type SqlToken } from './sql-tokens.js';
import { HanaCode } from '../../src/hana/error-codes.js';

export type AdminStatement =
  | { kind: 'start' | 'stop'; database: string }
  | {
      kind: 'config';
      file: string;
      /** 'SYSTEM', 'DATABASE', 'HOST'; layerName: the database or host of the layer. */
      layer: string;
      layerName?: string;
      changes: IniChange[];
      reconfigure: boolean;
    }
  | { kind: 'create'; database: string }
  | { kind: 'drop'; database: string }
  | {
      kind: 'backup';
      database: string | undefined;
      level: 'complete' | 'incremental' | 'differential';
      prefix: string;
      comment?: string;
    }
  | {
      kind: 'recover';
      mode: 'database' | 'data';
      database: string | undefined;
      untilMs?: number;
      untilLiteral?: string;
      /** UNTIL LOG POSITION <n> AT VOLUME <v>: replay up to and including the commit ending at log position n. */
      untilPosition?: { position: number; volume: number };
      clearLog: boolean;
      source?: { database: string; sid: string };
      catalogBackint: boolean;
      backupId?: number;
      checkAccess: boolean;
    };

class Cursor {
  i = 0;
  constructor(readonly t: SqlToken[]) {}
  peek(k = 0): SqlToken | undefined {
    return this.t[this.i + k];
  }
  isWord(...words: string[]): boolean {
    return words.every((w, k) => this.t[this.i + k]?.kind === 'word' && this.t[this.i + k]!.value === w);
  }
  accept(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.i += words.length;
    return true;
  }
  expect(...words: string[]): void {
    if (!this.accept(...words)) throw errors.syntax(this.peek()?.raw ?? 'end of statement');
  }
  name(): string {
    const tok = this.t[this.i];
    if (!tok || (tok.kind !== 'word' && tok.kind !== 'ident')) throw errors.syntax(tok?.raw ?? 'end of statement');
    this.i++;
    return tok.value;
  }
  string(): string {
    const tok = this.t[this.i];
    if (tok?.kind !== 'string') throw errors.syntax(tok?.raw ?? 'end of statement');
    this.i++;
    return tok.value;
  }
  number(): number {
    const tok = this.t[this.i];
    if (tok?.kind !== 'number' || !/^\d+$/.test(tok.value)) throw errors.syntax(tok?.raw ?? 'end of statement');
    this.i++;
    return Number(tok.value);
  }
  symbol(s: string): void {
    const tok = this.t[this.i];
    if (tok?.kind !== 'symbol' || tok.value !== s) throw errors.syntax(tok?.raw ?? 'end of statement');
    this.i++;
  }
  done(): boolean {
    return this.i >= this.t.length;
  }
  end(): void {
    if (!this.done()) throw errors.syntax(this.peek()!.raw);
  }
}

/** undefined: not a system statement (application SQL). */
export function parseAdmin(sql: string, parseUtc: (literal: string) => number | undefined): AdminStatement | undefined {
  const t = tokenizeSql(sql);
  const c = new Cursor(t);
  if (c.accept('ALTER', 'SYSTEM')) {
    if (c.accept('ALTER', 'CONFIGURATION')) return parseConfiguration(c);
    const kind = c.accept('START') ? 'start' : c.accept('STOP') ? 'stop' : undefined;
    if (!kind) throw errors.notSupported(`ALTER SYSTEM ${c.peek()?.raw ?? ''} (the simulator supports START and STOP DATABASE)`);
    c.expect('DATABASE');
    const database = c.name();
    c.accept('IMMEDIATE');
    c.end();
    return { kind, database };
  }
  if (c.isWord('CREATE', 'DATABASE')) {
    c.i += 2;
    const database = c.name();
    if (c.accept('SYSTEM', 'USER', 'PASSWORD')) c.name();
    c.end();
    return { kind: 'create', database };
  }
  if (c.isWord('DROP', 'DATABASE')) {
    c.i += 2;
    const database = c.name();
    c.accept('DROP', 'BACKUPS');
    c.end();
    return { kind: 'drop', database };
  }
  if (c.accept('BACKUP', 'DATA')) return parseBackup(c);
  if (c.accept('RECOVER')) return parseRecover(c, parseUtc);
  return undefined;
}

/**
 * ALTER SYSTEM ALTER CONFIGURATION ('<file>', '<layer>'[, '<name>']) SET ('<section>', '<key>') = '<value>'[, …] |
 * UNSET ('<section>', '<key>')[, …] [WITH RECONFIGURE] (SAP HANA SQL reference).
 */
function parseConfiguration(c: Cursor): AdminStatement {
  c.symbol('(');
  const file = c.string();
  c.symbol(',');
  const layer = c.string().toUpperCase();
  let layerName: string | undefined;
  if (c.peek()?.value === ',') {
    c.symbol(',');
    layerName = c.string();
  }
  c.symbol(')');
  const unset = c.accept('UNSET');
  if (!unset) c.expect('SET');
  const changes: IniChange[] = [];
  do {
    if (changes.length) c.symbol(',');
    c.symbol('(');
    const section = c.string();
    c.symbol(',');
    const key = c.string();
    c.symbol(')');
    if (unset) changes.push({ section, key });
    else {
      c.symbol('=');
      changes.push({ section, key, value: c.string() });
    }
  } while (c.peek()?.kind === 'symbol' && c.peek()?.value === ',');
  const reconfigure = c.accept('WITH', 'RECONFIGURE');
  if (c.accept('COMMENT')) c.string();
  c.end();
  return { kind: 'config', file, layer, layerName, changes, reconfigure };
}

/** BACKUP DATA [INCREMENTAL|DIFFERENTIAL] [FOR <db>] USING BACKINT ('<prefix>') [COMMENT …] [TOOLOPTION …] */
function parseBackup(c: Cursor): AdminStatement {
  const level = c.accept('INCREMENTAL') ? 'incremental' : c.accept('DIFFERENTIAL') ? 'differential' : 'complete';
  let database: string | undefined;
  if (c.accept('FOR')) {
    if (c.isWord('FULL', 'SYSTEM')) throw errors.notSupported('BACKUP DATA FOR FULL SYSTEM');
    database = c.name();
  }
  c.expect('USING');
  if (!c.accept('BACKINT'))
    throw errors.notSupported(`BACKUP DATA USING ${c.peek()?.raw ?? ''} (the simulator backs up through Backint only)`);
  c.symbol('(');
  const prefix = c.string();
  c.symbol(')');
  let comment: string | undefined;
  while (!c.done()) {
    if (c.accept('COMMENT')) comment = c.string();
    else if (c.accept('TOOLOPTION')) c.string();
    else throw errors.syntax(c.peek()!.raw);
  }
  return { kind: 'backup', database, level, prefix, comment };
}

type RecoverStatement = Extract<AdminStatement, { kind: 'recover' }>;
type ParseUtc = (literal: string) => number | undefined;

/** RECOVER DATABASE|DATA [FOR <db>] and its clauses in any order, checked for the combinations HANA refuses. */
function parseRecover(c: Cursor, parseUtc: ParseUtc): AdminStatement {
  const mode = c.accept('DATABASE') ? 'database' : c.accept('DATA') ? 'data' : undefined;
  if (!mode) throw errors.syntax(c.peek()?.raw ?? 'end of statement');
  const r: RecoverStatement = {
    kind: 'recover',
    mode,
    database: undefined,
    clearLog: false,
    catalogBackint: false,
    checkAccess: false,
  };
  if (c.accept('FOR')) r.database = c.name();
  while (!c.done()) recoverClause(c, r, parseUtc);
  if (mode === 'database' && r.untilMs !== undefined && r.untilPosition)
    throw errors.syntax('UNTIL (one of UNTIL TIMESTAMP and UNTIL LOG POSITION)');
  if (mode === 'database' && r.untilMs === undefined && !r.untilPosition)
    throw errors.notSupported('RECOVER DATABASE without UNTIL TIMESTAMP or UNTIL LOG POSITION');
  if (mode === 'data' && r.untilPosition) throw errors.syntax('UNTIL LOG POSITION (RECOVER DATA takes no point in time)');
  if (mode === 'data' && r.backupId === undefined) throw errors.notSupported('RECOVER DATA without USING BACKUP_ID');
  return r;
}

/** One clause of RECOVER, into `r`. */
function recoverClause(c: Cursor, r: RecoverStatement, parseUtc: ParseUtc): void {
  if (c.accept('UNTIL', 'TIMESTAMP')) {
    r.untilLiteral = c.string();
    r.untilMs = parseUtc(r.untilLiteral);
    if (r.untilMs === undefined)
      throw new SqlError(HanaCode.invalidDatetimeValue, `invalid DATE, TIME or TIMESTAMP value: ${r.untilLiteral}`, '22007');
  } else if (c.accept('UNTIL', 'LOG', 'POSITION')) {
    // The mode exists (RECOVERY_TO_LOG_POSITION + LogPosition + VolumeId in managed services' APIs); the text is a synthesis.
    const position = c.number();
    c.expect('AT', 'VOLUME');
    r.untilPosition = { position, volume: c.number() };
  } else if (c.accept('CLEAR', 'LOG')) {
    r.clearLog = true;
  } else if (c.accept('USING', 'SOURCE')) {
    const src = c.string();
    const m = /^([A-Za-z][A-Za-z0-9_]*)@([A-Z][A-Z0-9]{2})$/.exec(src);
    if (!m)
      throw new SqlError(
        HanaCode.recoveryCouldNotBeCompleted,
        `recovery could not be completed: invalid source '${src}', expected '<tenant>@<SID>'`,
      );
    r.source = { database: m[1]!.toUpperCase(), sid: m[2]! };
  } else if (c.accept('USING', 'CATALOG')) {
    if (!c.accept('BACKINT'))
      throw errors.notSupported(`USING CATALOG ${c.peek()?.raw ?? ''} (the simulator keeps the catalog in Backint only)`);
    r.catalogBackint = true;
  } else if (c.accept('USING', 'BACKUP_ID')) {
    r.backupId = c.number();
  } else if (c.accept('CHECK', 'ACCESS', 'USING')) {
    if (!c.accept('BACKINT')) throw errors.notSupported(`CHECK ACCESS USING ${c.peek()?.raw ?? ''}`);
    r.checkAccess = true;
  } else if (c.isWord('USING')) {
    throw errors.notSupported(`USING ${c.peek(1)?.raw ?? ''} (the simulator recovers from Backint only)`);
  } else {
    throw errors.syntax(c.peek()!.raw);
  }
}
