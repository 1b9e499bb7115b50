/**
 * The agent's parameter file (YAML, the `-p` file). Every key is declared once here with its type,
 * default, range and description; src/backint/README.md documents the same table.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../sdk/errors.js';
import { AWS_ALIASES, AWS_IGNORED_KEYS, translateAwsKeys } from './aws-keys.js';
import { limitMemory } from './safe-limits.js';

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

type Kind =
  | { type: 'string'; pattern?: RegExp; patternHint?: string }
  | { type: 'path' }
  | { type: 'boolean' }
  | { type: 'integer'; min: number; max: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'tags' };

export interface KeySpec {
  readonly key: string;
  readonly kind: Kind;
  readonly default: unknown;
  readonly description: string;
}

/** Every key, declared once: its type in Params (below) comes from its kind and default. */
export const PARAMETER_KEYS = [
  {
    key: 'StoreType',
    kind: { type: 'enum', values: ['filesystem', 's3'] },
    default: 'filesystem',
    description: 'Where objects are kept: a local/NFS directory or an S3-compatible bucket.',
  },
  {
    key: 'FilesystemRoot',
    kind: { type: 'path' },
    default: undefined,
    description: 'Absolute directory of the filesystem store (required when StoreType is filesystem).',
  },
  {
    key: 'FilesystemDirectIO',
    kind: { type: 'boolean' },
    default: true,
    description:
      'Write and read uncompressed objects with O_DIRECT, past the page cache (a backup read ' +
      "back rarely should not evict the host's working set); falls back to the page cache where " +
      'the filesystem refuses O_DIRECT. `false` restores faster (readahead) and backs up slower: see "Pipes and threads".',
  },
  {
    key: 'S3BucketName',
    kind: {
      type: 'string',
      pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      patternHint: '3-63 lowercase letters, digits, dots or hyphens',
    },
    default: undefined,
    description: 'Bucket (required when StoreType is s3).',
  },
  {
    key: 'S3BucketAwsRegion',
    kind: { type: 'string', pattern: /^[a-z0-9-]+$/, patternHint: 'a region name such as eu-central-1' },
    default: 'us-east-1',
    description: 'Region of the bucket.',
  },
  {
    key: 'S3BucketFolder',
    kind: { type: 'string', pattern: /^[^/].*[^/]$|^[^/]?$/, patternHint: 'a key prefix without leading or trailing slash' },
    default: '',
    description: 'Key prefix (folder) under which all objects are stored.',
  },
  {
    key: 'S3BucketOwnerAccountID',
    kind: { type: 'string', pattern: /^\d{12}$/, patternHint: 'the 12-digit AWS account id, in double quotes' },
    default: undefined,
    description: 'Expected bucket owner; checked at start (HeadBucket) and sent with every request.',
  },
  {
    key: 'S3Endpoint',
    kind: { type: 'string', pattern: /^https?:\/\/\S+$/, patternHint: 'a URL such as http://127.0.0.1:4568' },
    default: undefined,
    description: 'Endpoint of an S3-compatible service (default: AWS for the region).',
  },
  {
    key: 'S3ForcePathStyle',
    kind: { type: 'boolean' },
    default: false,
    description: 'Path-style addressing (needed by most S3-compatible services).',
  },
  {
    key: 'S3ChecksumMode',
    kind: { type: 'enum', values: ['when_required', 'when_supported'] },
    default: 'when_required',
    description:
      'When the SDK adds and validates S3 request/response checksums (when_supported needs a ' +
      'service that understands flexible checksums).',
  },
  {
    key: 'S3SseEnabled',
    kind: { type: 'boolean' },
    default: false,
    description: 'Server-side encryption: SSE-KMS with S3SseKmsArn, otherwise SSE-S3 (AES256).',
  },
  {
    key: 'S3SseKmsArn',
    kind: { type: 'string', pattern: /^arn:aws[a-z-]*:kms:\S+$/, patternHint: 'a KMS key ARN' },
    default: undefined,
    description: 'KMS key for SSE-KMS (requires S3SseEnabled: true).',
  },
  {
    key: 'S3StorageClass',
    kind: { type: 'enum', values: ['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING'] },
    default: 'STANDARD',
    description: 'Storage class of backup objects.',
  },
  {
    key: 'S3MaxAttempts',
    kind: { type: 'integer', min: 1, max: 20 },
    default: 5,
    description:
      'Attempts per S3 request (throttling and 5xx are retried with exponential backoff; a part ' +
      'is re-sent from its buffer, never re-read from the pipe).',
  },
  {
    key: 'EnableTagging',
    kind: { type: 'boolean' },
    default: true,
    description: 'Tag objects with the agent version, the HANA version (from #SOFTWAREID) and the backup type.',
  },
  {
    key: 'BackupObjectTags',
    kind: { type: 'tags' },
    default: [],
    description: 'Extra object tags: a YAML list of {Key, Value} or the AWS form "[{Key=k,Value=v},...]".',
  },
  {
    key: 'PartSizeMiB',
    kind: { type: 'integer', min: 5, max: 5120 },
    default: 8,
    description: "Size of the first multipart parts (S3); parts grow on a long pipe, so any pipe fits in S3's 10,000 parts.",
  },
  {
    key: 'UploadConcurrency',
    kind: { type: 'integer', min: 1, max: 200 },
    default: 2,
    description:
      'Parts of one object uploaded in parallel (with UploadChannelSize channels, ' +
      'UploadChannelSize x UploadConcurrency parts in flight).',
  },
  {
    key: 'UploadChannelSize',
    kind: { type: 'integer', min: 1, max: 32 },
    default: 10,
    description: 'Pipes/files backed up in parallel by one invocation.',
  },
  {
    key: 'BufferMemoryLimitMiB',
    kind: { type: 'integer', min: 16, max: 1048576 },
    default: 256,
    description:
      'Upper bound of the S3 part buffers of one call, UploadChannelSize x (UploadConcurrency + 1) x PartSizeMiB; ' +
      "a larger UploadConcurrency (AWS's agent defaults to 100) is lowered to fit, with the reason in the log.",
  },
  {
    key: 'DownloadConcurrency',
    kind: { type: 'integer', min: 1, max: 200 },
    default: 2,
    description: 'Ranged GETs of one object in parallel during restore (S3).',
  },
  {
    key: 'DownloadRangeMiB',
    kind: { type: 'integer', min: 1, max: 5120 },
    default: 32,
    description:
      'Size of the ranged GETs of a restore (S3). Ranges are streamed, so their size costs no ' +
      'memory; fewer, larger ones cost the service less per byte (and fewer requests).',
  },
  {
    key: 'MaximumConcurrentFilesForRestore',
    kind: { type: 'integer', min: 1, max: 64 },
    default: 5,
    description: 'Data pipes/files restored in parallel (log backups are always restored one at a time).',
  },
  {
    key: 'RestorePipeOpenTimeoutSeconds',
    kind: { type: 'integer', min: 1, max: 86400 },
    default: 600,
    description: 'How long restore waits for HANA to open the read end of its named pipe before reporting #ERROR.',
  },
  {
    key: 'BackupPipeWaitSeconds',
    kind: { type: 'integer', min: 0, max: 86400 },
    default: 60,
    description:
      'How long backup waits for a #PIPE or #FILE that does not exist yet (HANA may create it just after starting ' +
      'the agent) before answering #ERROR for it.',
  },
  {
    key: 'Compression',
    kind: { type: 'enum', values: ['none', 'gzip'] },
    default: 'none',
    description:
      'Compress objects (gzip level 1, zlib); the codec is recorded per object, so restore works whatever the current setting.',
  },
  {
    key: 'LogVisibilityDelaySeconds',
    kind: { type: 'integer', min: 0, max: 31536000 },
    default: 0,
    description:
      'Log backups (basename log_backup_* except the catalog log_backup_0_0_0_0) become visible ' +
      'to inquire and restore only this long after creation, like a media server that receives ' +
      'logs late.',
  },
  {
    key: 'LogVisibilityDelayIncludesCatalog',
    kind: { type: 'boolean' },
    default: false,
    description:
      'Delay the catalog backups (log_backup_0_0_0_0) as well: a media server that receives logs ' +
      'late receives the catalog backups that follow them late too, so HANA recovering with ' +
      'USING CATALOG BACKINT sees an older catalog and stops short of the target.',
  },
  {
    key: 'ClockFile',
    kind: { type: 'path' },
    default: undefined,
    description:
      'JSON file {"offsetMs": n}; the agent\'s clock is real time + offsetMs, read at each use ' +
      '(the HANA simulator\'s driven clock); when the file also says {"driven": true, ' +
      '"frozenMs": t} the clock stands still at t.',
  },
  {
    key: 'LogFile',
    kind: { type: 'path' },
    default: undefined,
    description: 'Agent log (appended); none when unset. The agent never writes logs to stdout.',
  },
  {
    key: 'LogFileMaxMiB',
    kind: { type: 'integer', min: 0, max: 1048576 },
    default: 16,
    description: 'When LogFile reaches this size it is renamed LogFile.1 (older ones shift up) and a new one begun; 0: never.',
  },
  {
    key: 'LogFileKeep',
    kind: { type: 'integer', min: 1, max: 100 },
    default: 5,
    description: 'Rotated log files kept (LogFile.1 .. LogFile.<n>); the oldest is removed.',
  },
  {
    key: 'LogLevel',
    kind: { type: 'enum', values: ['error', 'warn', 'info', 'debug'] },
    default: 'info',
    description: 'Log verbosity.',
  },
] as const satisfies readonly KeySpec[];

type Spec = (typeof PARAMETER_KEYS)[number];
/** The value a kind converts to (convert below); a key whose default is undefined may be unset. */
type ValueOf<S extends Spec> = S['kind'] extends { type: 'enum'; values: readonly (infer V)[] }
  ? V
  : S['kind'] extends { type: 'boolean' }
    ? boolean
    : S['kind'] extends { type: 'integer' }
      ? number
      : S['kind'] extends { type: 'tags' }
        ? Tag[]
        : string;
export type Params = { [S in Spec as S['key']]: ValueOf<S> | (S['default'] extends undefined ? undefined : never) };
export type StoreType = Params['StoreType'];
export type Codec = Params['Compression'];

const BY_KEY = new Map<string, KeySpec>(PARAMETER_KEYS.map((k) => [k.key, k]));

/** Edit distance, to suggest the key a typo meant. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known key (ours or AWS's) nearest to a typo, if any is within 3 edits. */
export function nearestKey(key: string): string | undefined {
  const known = [...BY_KEY.keys(), ...Object.keys(AWS_IGNORED_KEYS), ...Object.keys(AWS_ALIASES)];
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(name.toLowerCase(), key.toLowerCase());
    if (d <= 3 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

function bad(file: string, key: string, problem: string, fix: string): UserError {
  return new UserError(`parameter file ${file}: ${key} ${problem}`, fix);
}

function parseTagString(s: string): Tag[] | undefined {
  const body = s.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (body === '') return [];
  const tags: Tag[] = [];
  const re = /\{\s*Key=([^,}]*),\s*Value=([^}]*)\}\s*,?\s*/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(body))) {
    tags.push({ Key: m[1]!.trim(), Value: m[2]!.trim() });
    consumed = re.lastIndex;
  }
  return consumed === body.length ? tags : undefined;
}

function convert(file: string, spec: KeySpec, value: unknown): unknown {
  const k = spec.kind;
  const key = spec.key;
  switch (k.type) {
    case 'string': {
      if (key === 'S3BucketOwnerAccountID' && typeof value === 'number') {
        throw bad(
          file,
          key,
          'was read as a number',
          'write the account id in double quotes, e.g. S3BucketOwnerAccountID: "123456789012"',
        );
      }
      if (typeof value !== 'string')
        throw bad(file, key, `must be a string, got ${JSON.stringify(value)}`, `set ${key} to ${k.patternHint ?? 'a string'}`);
      if (k.pattern && !k.pattern.test(value))
        throw bad(file, key, `has an invalid value ${JSON.stringify(value)}`, `set ${key} to ${k.patternHint}`);
      return value;
    }
    case 'path':
      if (typeof value !== 'string' || !path.isAbsolute(value))
        throw bad(file, key, `must be an absolute path, got ${JSON.stringify(value)}`, `set ${key} to an absolute path`);
      return path.normalize(value);
    case 'boolean':
      if (value === 'true' || value === 'false') return value === 'true';
      if (typeof value !== 'boolean')
        throw bad(file, key, `must be true or false, got ${JSON.stringify(value)}`, `set ${key} to true or false`);
      return value;
    case 'integer':
      // AWS's sample files quote numbers ("100"); a string of digits means that number.
      if (typeof value === 'string' && /^\d+$/.test(value.trim())) value = Number(value.trim());
      if (typeof value !== 'number' || !Number.isInteger(value) || value < k.min || value > k.max) {
        throw bad(
          file,
          key,
          `must be an integer from ${k.min} to ${k.max}, got ${JSON.stringify(value)}`,
          `set ${key} to a whole number in ${k.min}..${k.max}`,
        );
      }
      return value;
    case 'enum': {
      // LogLevel: INFO and info alike; the value is kept in its documented spelling.
      const lower = typeof value === 'string' ? value.toLowerCase() : undefined;
      const canonical = k.values.find((c) => c.toLowerCase() === lower);
      if (canonical === undefined)
        throw bad(
          file,
          key,
          `must be one of ${k.values.join(', ')}, got ${JSON.stringify(value)}`,
          `set ${key} to one of ${k.values.join(', ')}`,
        );
      return canonical;
    }
    case 'tags': {
      const fix = `write ${key} as a list of {Key: ..., Value: ...} or as "[{Key=k,Value=v}]"`;
      const list = typeof value === 'string' ? parseTagString(value) : value;
      if (!Array.isArray(list)) throw bad(file, key, `is not a tag list: ${JSON.stringify(value)}`, fix);
      return list.map((t: unknown) => {
        const o = t as Record<string, unknown> | null;
        if (
          !o ||
          typeof o !== 'object' ||
          typeof o.Key !== 'string' ||
          o.Key === '' ||
          (typeof o.Value !== 'string' && typeof o.Value !== 'number')
        ) {
          throw bad(file, key, `has an invalid entry ${JSON.stringify(t)}`, fix);
        }
        return { Key: o.Key, Value: String(o.Value) };
      });
    }
  }
}

export interface LoadedParams {
  readonly params: Params;
  /** One line each: an AWS key accepted but ignored, a value changed to a safe one; the caller logs them. */
  readonly warnings: string[];
}

function unknownKey(file: string, key: string): UserError {
  const near = nearestKey(key);
  const fix = near ? `did you mean ${near}?` : `remove it; known keys: ${PARAMETER_KEYS.map((k) => k.key).join(', ')}`;
  return bad(file, key, 'is not a known key', fix);
}

function checkRequired(file: string, p: Params): void {
  if (p.StoreType === 'filesystem' && !p.FilesystemRoot)
    throw bad(file, 'FilesystemRoot', 'is required when StoreType is filesystem', 'set FilesystemRoot to an absolute directory');
  if (p.StoreType === 's3' && !p.S3BucketName)
    throw bad(file, 'S3BucketName', 'is required when StoreType is s3', 'set S3BucketName to the bucket name');
  if (p.S3SseKmsArn && !p.S3SseEnabled)
    throw bad(file, 'S3SseKmsArn', 'is set but S3SseEnabled is false', 'set S3SseEnabled: true or remove S3SseKmsArn');
}

/** Validates an already-parsed YAML document (ours or AWS's); `file` only names the source in messages. */
export function readParams(doc: unknown, file: string): LoadedParams {
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UserError(`parameter file ${file}: expected a YAML mapping of Key: value`, 'write one "Key: value" per line');
  }
  const { doc: translated, warnings } = translateAwsKeys(doc as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const spec of PARAMETER_KEYS) out[spec.key] = spec.default;
  for (const [key, value] of Object.entries(translated)) {
    const spec = BY_KEY.get(key);
    if (!spec) throw unknownKey(file, key);
    // AWS's sample leaves optional keys empty (S3SseKmsArn: ""): empty means unset.
    if (value === null || (value === '' && spec.kind.type !== 'tags')) continue;
    if (key === 'S3BucketFolder' && typeof value === 'string' && /^\/|\/$/.test(value)) {
      out[key] = convert(file, spec, value.replace(/^\/+|\/+$/g, ''));
      warnings.push(`S3BucketFolder ${JSON.stringify(value)} read as ${JSON.stringify(out[key])}: keys never start or end with /`);
      continue;
    }
    out[key] = convert(file, spec, value);
  }
  const p = out as unknown as Params;
  checkRequired(file, p);
  warnings.push(...limitMemory(p));
  return { params: p, warnings };
}

/** Validates an already-parsed YAML document; the warnings are dropped (see readParams). */
export function validateParams(doc: unknown, file: string): Params {
  return readParams(doc, file).params;
}

export async function loadParams(file: string): Promise<LoadedParams> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `cannot read parameter file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'pass an existing, readable YAML file with -p',
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true });
  } catch (e) {
    throw new UserError(
      `parameter file ${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      'fix the YAML syntax (one "Key: value" per line)',
    );
  }
  return readParams(doc, file);
}
