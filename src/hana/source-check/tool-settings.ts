/**
 * Where the target's Backint tool will look for the source's backups, read from the tool's own parameter file the
 * way the tool documents it (docs/reference/backint.md §4, §5, §10): Commvault's cross-client restore keys, or the
 * bucket and folder of an S3 agent's YAML (AWS Backint Agent, hana-backint), or hana-backint's filesystem root.
 * Pure: the texts were read on the hosts already.
 */
import { parse as parseYaml } from 'yaml';
import { UserError } from '../../sdk/errors.js';
import { checkCrossRestoreKeys, parseCommvaultParams } from '../log-coverage/commvault-params.js';
import type { BackupSource } from '../sql.js';
import type { CheckLine } from './lines.js';

/** Where an S3-style or filesystem agent keeps objects; `-u <tenant>@<SID>` is the namespace inside it. */
export type StoreLocation = { kind: 's3'; bucket: string; folder: string } | { kind: 'filesystem'; root: string };

export function describeLocation(l: StoreLocation): string {
  return l.kind === 's3' ? `s3://${l.bucket}/${l.folder}` : `filesystem ${l.root}`;
}

/** The store an agent's YAML names; a string when the file cannot be used as the agent would read it. */
export function storeLocationOf(text: string, file: string): StoreLocation | null | string {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return `${file} is not YAML: ${(e as Error).message.split('\n')[0]}`;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return `${file} is not a YAML mapping of Key: value lines`;
  const d = doc as Record<string, unknown>;
  if (d.S3BucketOwnerAccountID !== undefined && typeof d.S3BucketOwnerAccountID !== 'string')
    return `S3BucketOwnerAccountID in ${file} is not in double quotes (the AWS Backint Agent then fails with AccessDenied)`;
  if (typeof d.S3BucketName === 'string' && d.S3BucketName !== '') {
    const folder = typeof d.S3BucketFolder === 'string' ? d.S3BucketFolder.replace(/^\/+|\/+$/g, '') : '';
    return { kind: 's3', bucket: d.S3BucketName, folder };
  }
  if (typeof d.FilesystemRoot === 'string' && d.FilesystemRoot !== '') return { kind: 'filesystem', root: d.FilesystemRoot };
  return null;
}

export interface NamespaceFacts {
  backupSource: BackupSource;
  /** `<tenant>@<SID>` HANA passes with -u. */
  user: string;
  sourceSid: string;
  /** The dSource's commvaultSourceClient, when set. */
  sourceClient: string | null;
  target: { file: string; text: string | null };
  /** The source's parameter file (the dSource's backintParameterFile on the source host); text null when unread. */
  source: { file: string; host: string; text: string | null; unreadable: string | null };
}

const TITLE = 'namespace the Backint tool reads';

function commvaultLine(f: NamespaceFacts, text: string): CheckLine {
  try {
    checkCrossRestoreKeys(text, {
      parameterFile: f.target.file,
      sourceSid: f.sourceSid,
      sourceClient: f.sourceClient ?? undefined,
    });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { id: 'namespace', title: TITLE, verdict: 'fail', found: e.message, fix: e.action };
  }
  const values = parseCommvaultParams(text);
  const named = ['CvSrcClientName', 'srcCrossClient', 'srcCrossSIDName', 'srcCrossDbName']
    .filter((k) => values.has(k))
    .map((k) => `${k} ${values.get(k)}`)
    .join(', ');
  const unchecked =
    f.sourceClient === null ? '; the dSource names no commvaultSourceClient, so the client name itself was not compared' : '';
  return {
    id: 'namespace',
    title: TITLE,
    verdict: 'ok',
    found: `Commvault restores read the source's backups (${named}); HANA asks for ${f.user}${unchecked}`,
    fix: null,
  };
}

function s3Line(f: NamespaceFacts, text: string): CheckLine {
  const fail = (found: string, fix: string): CheckLine => ({ id: 'namespace', title: TITLE, verdict: 'fail', found, fix });
  const target = storeLocationOf(text, f.target.file);
  if (typeof target === 'string') return fail(target, `Correct ${f.target.file} (keys as in docs/BACKUP-SOURCES.md).`);
  if (target === null)
    return {
      id: 'namespace',
      title: TITLE,
      verdict: 'warn',
      found: `${f.target.file} names no S3 bucket and no FilesystemRoot: the tool's own default store, with ${f.user} in it`,
      fix: `Check that the tool on the target reads the store the source writes to (the source's file: ${f.source.file}).`,
    };
  const source = f.source.text === null ? null : storeLocationOf(f.source.text, f.source.file);
  const here = `${describeLocation(target)} with ${f.user} in it`;
  if (source !== null && typeof source !== 'string' && describeLocation(source) !== describeLocation(target))
    return fail(
      `the target's tool reads ${here}, but the source writes to ${describeLocation(source)} (${f.source.file} on ` +
        `${f.source.host}); the AWS Backint Agent searches only the path in its configuration file`,
      target.kind === 's3' && source.kind === 's3'
        ? `In ${f.target.file} set S3BucketName: "${source.bucket}" and S3BucketFolder: "${source.folder}" (and give the ` +
            "target host's IAM role read access to that bucket and folder)."
        : `Make ${f.target.file} name the store of ${f.source.file}.`,
    );
  const compared =
    source === null
      ? ` (the source's file ${f.source.file} on ${f.source.host} was not read: ${f.source.unreadable ?? 'no connection'})`
      : typeof source === 'string'
        ? ` (the source's file could not be compared: ${source})`
        : ', the same store the source writes to';
  return { id: 'namespace', title: TITLE, verdict: 'ok', found: `the target's tool reads ${here}${compared}`, fix: null };
}

/** The namespace line; null target text means the parameter file line already failed. */
export function checkNamespace(f: NamespaceFacts): CheckLine {
  if (f.target.text === null)
    return {
      id: 'namespace',
      title: TITLE,
      verdict: 'fail',
      found: `the target's parameter file ${f.target.file} could not be read, so where the tool looks is unknown`,
      fix: 'Fix the parameter file line first.',
    };
  return f.backupSource === 'COMMVAULT_BACKINT' ? commvaultLine(f, f.target.text) : s3Line(f, f.target.text);
}
