/**
 * The vendors' own parameter files, read the way each tool documents them (README.md in this folder):
 * Commvault's "name followed by its value" lines and the AWS Backint Agent's YAML.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** Commvault releases whose cross-client restore keys differ (README: "Namespace"). */
export type CommvaultRelease = '2024e' | '2022e' | '11.16';

export interface CommvaultParams {
  /** Every `Name value` line, keys case-sensitive as documented; unknown keys kept (and ignored by the agent). */
  values: Map<string, string>;
}

export function readCommvaultParams(file: string): CommvaultParams {
  const values = new Map<string, string>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (m) values.set(m[1]!, m[2]!.trim());
  }
  return { values };
}

/** The keys each release honours for a cross-client restore: [source client key, source SID key]. */
export const COMMVAULT_CROSS_KEYS: Record<CommvaultRelease, readonly [string, string]> = {
  '2024e': ['CvSrcClientName', 'srcCrossSIDName'],
  '2022e': ['srcCrossClient', 'srcCrossSIDName'],
  '11.16': ['srcCrossClient', 'srcCrossDbName'],
};

export interface AwsParams {
  bucket: string;
  folder: string;
}

/** The AWS agent's YAML: S3BucketName is required, S3BucketOwnerAccountID must be a quoted string. */
export function readAwsParams(file: string): AwsParams {
  const doc = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') throw new Error(`${file}: not a YAML mapping`);
  const bucket = doc.S3BucketName;
  if (typeof bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new Error(`${file}: S3BucketName is missing or not a bucket name`);
  const owner = doc.S3BucketOwnerAccountID;
  if (owner !== undefined && typeof owner !== 'string')
    throw new Error(`${file}: S3BucketOwnerAccountID must be in double quotes (AccessDenied otherwise)`);
  const folder = doc.S3BucketFolder ?? '';
  if (typeof folder !== 'string' || !/^[A-Za-z0-9_.\-/]*$/.test(folder) || folder.split('/').includes('..'))
    throw new Error(`${file}: S3BucketFolder is not a folder name`);
  return { bucket, folder: folder.replace(/^\/+|\/+$/g, '') };
}
