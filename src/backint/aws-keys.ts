/**
 * An `aws-backint-agent-config.yaml` written for AWS's Backint agent is read unchanged: the keys AWS documents
 * (docs/reference/backint.md §4.2) either mean the same here or are accepted with one warning saying why they
 * are ignored. What this module does is rewrite such a document into this agent's keys before validation.
 */

/** AWS keys this agent does not act on, with the reason given to the user once per call. */
export const AWS_IGNORED_KEYS: Readonly<Record<string, string>> = {
  LogRotationFrequency: 'this agent rotates LogFile by size (LogFileMaxMiB), not by time; AWS documents minute, hour, day or never',
  S3ShortenBackupDestinationEnabled:
    "the object layout in the bucket is this agent's own (<S3BucketFolder>/<user>/<HANA path>/@/<ebid>); backups " +
    "written by AWS's agent are not read by this agent either way",
};

/** Older AWS key names that mean one of ours. AWS's troubleshooting page calls the region key `AwsRegion`. */
export const AWS_ALIASES: Readonly<Record<string, string>> = { AwsRegion: 'S3BucketAwsRegion' };

export interface Translated {
  readonly doc: Record<string, unknown>;
  readonly warnings: string[];
}

/** Renames aliases, drops the ignored keys (with a warning), and infers `StoreType: s3` from an AWS file. */
export function translateAwsKeys(input: Record<string, unknown>): Translated {
  const doc: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const reason = AWS_IGNORED_KEYS[key];
    if (reason !== undefined) {
      warnings.push(`${key} ignored: ${reason}`);
      continue;
    }
    const alias = AWS_ALIASES[key];
    if (alias !== undefined) {
      if (alias in input) {
        warnings.push(`${key} ignored: ${alias} is also set and wins`);
        continue;
      }
      doc[alias] = value;
      continue;
    }
    doc[key] = value;
  }
  // AWS's agent only knows S3, so its file never says StoreType; a bucket name means S3.
  if (doc.StoreType === undefined && typeof doc.S3BucketName === 'string' && doc.S3BucketName !== '') doc.StoreType = 's3';
  return { doc, warnings };
}
