import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UserError } from '../../src/sdk/errors.js';
import { PARAMETER_KEYS, readParams, validateParams } from '../../src/backint/params.js';

const v = (yaml: string) => validateParams(parse(yaml), 'p.yml');
const err = (yaml: string): UserError => {
  try {
    v(yaml);
  } catch (e) {
    return e as UserError;
  }
  throw new Error('expected an error');
};

describe('parameter file', () => {
  test('defaults fill every key', () => {
    const p = v('FilesystemRoot: /srv/store');
    expect(p.StoreType).toBe('filesystem');
    expect(p.UploadChannelSize).toBe(10);
    expect(p.Compression).toBe('none');
    expect(p.LogVisibilityDelaySeconds).toBe(0);
    expect(p.BackupObjectTags).toEqual([]);
  });

  test('an AWS-style S3 file is accepted', () => {
    const p = v(`StoreType: s3
S3BucketName: hana-backups
S3BucketAwsRegion: eu-central-1
S3BucketFolder: prod/hana
S3BucketOwnerAccountID: "123456789012"
S3SseEnabled: true
S3SseKmsArn: arn:aws:kms:eu-central-1:123456789012:key/abc
S3StorageClass: STANDARD_IA
UploadConcurrency: 8
BackupObjectTags: "[{Key=env,Value=prod},{Key=team,Value=basis}]"
LogLevel: debug`);
    expect(p.S3BucketOwnerAccountID).toBe('123456789012');
    expect(p.BackupObjectTags).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'basis' },
    ]);
    expect(p.S3StorageClass).toBe('STANDARD_IA');
  });

  test('tags as a YAML list', () => {
    expect(v('FilesystemRoot: /s\nBackupObjectTags:\n  - {Key: a, Value: 1}').BackupObjectTags).toEqual([{ Key: 'a', Value: '1' }]);
  });

  test.each([
    ['FilesystemRoot: /s\nUploadChanelSize: 3', 'UploadChanelSize is not a known key', 'did you mean'],
    ['FilesystemRoot: /s\nuploadchannelsize: 3', 'uploadchannelsize is not a known key', 'UploadChannelSize'],
    ['FilesystemRoot: /s\nUploadChannelSize: 33', 'UploadChannelSize must be an integer from 1 to 32', '1..32'],
    ['FilesystemRoot: /s\nUploadChannelSize: 2.5', 'UploadChannelSize must be an integer', ''],
    ['FilesystemRoot: relative/dir', 'FilesystemRoot must be an absolute path', ''],
    ['StoreType: tape', 'StoreType must be one of filesystem, s3', ''],
    ['StoreType: filesystem', 'FilesystemRoot is required', ''],
    ['StoreType: s3', 'S3BucketName is required', ''],
    [
      'StoreType: s3\nS3BucketName: b1b\nS3BucketOwnerAccountID: 123456789012',
      'S3BucketOwnerAccountID was read as a number',
      'double quotes',
    ],
    ['StoreType: s3\nS3BucketName: Bad_Bucket', 'S3BucketName has an invalid value', ''],
    ['StoreType: s3\nS3BucketName: bkt\nS3SseKmsArn: arn:aws:kms:x', 'S3SseKmsArn is set but S3SseEnabled is false', ''],
    ['FilesystemRoot: /s\nS3SseEnabled: yes-please', 'S3SseEnabled must be true or false', ''],
    ['FilesystemRoot: /s\nBackupObjectTags: "[{Key=a}]"', 'BackupObjectTags is not a tag list', ''],
    ['FilesystemRoot: /s\nCompression: zstd', 'Compression must be one of none, gzip', ''],
  ])('%s → %s', (yaml, message, action) => {
    const e = err(yaml);
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toContain(message);
    expect(e.message).toContain('p.yml');
    expect(e.action).toContain(action);
  });

  test('a YAML list instead of a mapping is rejected', () => {
    expect(err('- a\n- b').message).toContain('expected a YAML mapping');
  });

  test("AWS's aws-backint-agent-config.yaml is read unchanged: keys honoured, the rest ignored with a reason", () => {
    const file = new URL('../fixtures/backint/aws-backint-agent-config.yaml', import.meta.url);
    const { params: p, warnings } = readParams(parse(readFileSync(file, 'utf8')), 'aws.yaml');
    expect(p.StoreType).toBe('s3');
    expect(p.S3BucketName).toBe('hana-backups-prd');
    expect(p.S3BucketAwsRegion).toBe('eu-central-1');
    expect(p.S3BucketFolder).toBe('PRD');
    expect(p.S3BucketOwnerAccountID).toBe('123456789012');
    expect(p.S3SseEnabled).toBe(true);
    expect(p.S3SseKmsArn).toBeUndefined();
    expect(p.S3StorageClass).toBe('STANDARD_IA');
    expect(p.EnableTagging).toBe(true);
    expect(p.BackupObjectTags).toEqual([{ Key: 'env', Value: 'prod' }]);
    expect(p.LogFile).toBe('/hana/shared/aws-backint-agent/aws-backint-agent.log');
    expect(p.LogLevel).toBe('info');
    expect(p.UploadChannelSize).toBe(10);
    expect(p.MaximumConcurrentFilesForRestore).toBe(5);
    // 10 channels x 101 parts x 8 MiB = 8 GiB of buffers: lowered to fit the 256 MiB default limit.
    expect(p.UploadConcurrency).toBe(2);
    expect(p.DownloadConcurrency).toBe(12);
    const joined = warnings.join('\n');
    expect(joined).toMatch(/LogRotationFrequency ignored: .*rotates LogFile by size/);
    expect(joined).toMatch(/S3ShortenBackupDestinationEnabled ignored: /);
    expect(joined).toMatch(/UploadConcurrency 100 lowered to 2: .*8080 MiB, over BufferMemoryLimitMiB 256/);
    expect(joined).toMatch(/DownloadConcurrency 100 lowered to 12: .*500 connections/);
    expect(joined).toMatch(/S3BucketFolder "PRD\/" read as "PRD"/);
    expect(warnings.every((w) => !w.includes('\n'))).toBe(true);
  });

  test('a larger BufferMemoryLimitMiB lets more parts fly; AwsRegion is the older name of S3BucketAwsRegion', () => {
    const { params: p, warnings } = readParams(
      parse('S3BucketName: bkt\nAwsRegion: ap-south-1\nUploadConcurrency: 100\nBufferMemoryLimitMiB: 1024'),
      'p.yml',
    );
    expect(p.S3BucketAwsRegion).toBe('ap-south-1');
    expect(p.UploadConcurrency).toBe(11);
    expect(warnings).toHaveLength(1);
  });

  test('our own defaults need no translation', () => {
    expect(readParams(parse('FilesystemRoot: /s'), 'p.yml').warnings).toEqual([]);
  });

  test.each([
    ['LogRotationFrequncy: day', 'LogRotationFrequency'],
    ['UploadConcurency: 3', 'UploadConcurrency'],
    ['S3BucketFolderr: x', 'S3BucketFolder'],
    ['BufferMemoryLimit: 64', 'BufferMemoryLimitMiB'],
  ])('a typo %s names the nearest key %s', (line, near) => {
    const e = err(`FilesystemRoot: /s\n${line}`);
    expect(e.action).toBe(`did you mean ${near}?`);
  });

  test('README documents every key', () => {
    const readme = readFileSync(new URL('../../src/backint/README.md', import.meta.url), 'utf8');
    for (const k of PARAMETER_KEYS) expect(readme).toContain(`| \`${k.key}\` |`);
  });
});
