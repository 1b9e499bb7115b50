/**
 * The backup source check's verdicts on facts already read (src/hana/source-check): the tool settings each agent
 * documents (Commvault's cross-restore keys, an S3 agent's YAML) and the backup lines' edges the simulator tests do
 * not reach (only an older catalog visible, no log backups, CHECK ACCESS off). Pure: no host, no simulator.
 */
import { checkAccessLine, checkCatalog, checkLogBackup, type BackupFacts } from '../../src/hana/source-check/backups.js';
import { checkNamespace, storeLocationOf, type NamespaceFacts } from '../../src/hana/source-check/tool-settings.js';
import type { CatalogBackup } from '../../src/hana/log-coverage/catalog.js';

const T0 = Date.parse('2026-03-02T08:00:00Z');

describe('tool settings', () => {
  test('an S3 agent YAML: bucket and folder (slashes trimmed), filesystem root, or none', () => {
    expect(storeLocationOf('S3BucketName: "b"\nS3BucketFolder: "/hana/"\n', 'f')).toEqual({
      kind: 's3',
      bucket: 'b',
      folder: 'hana',
    });
    expect(storeLocationOf('StoreType: filesystem\nFilesystemRoot: /nfs/backint\n', 'f')).toEqual({
      kind: 'filesystem',
      root: '/nfs/backint',
    });
    expect(storeLocationOf('LogLevel: info\n', 'f')).toBeNull();
  });

  test('an unquoted S3BucketOwnerAccountID is named (AWS answers AccessDenied)', () => {
    expect(storeLocationOf('S3BucketName: "b"\nS3BucketOwnerAccountID: 111122223333\n', '/p/aws.yaml')).toBe(
      'S3BucketOwnerAccountID in /p/aws.yaml is not in double quotes (the AWS Backint Agent then fails with AccessDenied)',
    );
  });

  const facts = (over: Partial<NamespaceFacts>): NamespaceFacts => ({
    backupSource: 'COMMVAULT_BACKINT',
    user: 'ERP@PRD',
    sourceSid: 'PRD',
    sourceClient: null,
    target: { file: '/q/param', text: 'CvInstanceName Instance001\nCvSrcClientName hanaprd\nsrcCrossSIDName PRD\n' },
    source: { file: '/p/param', host: 'hanaprd', text: null, unreadable: null },
    ...over,
  });

  test('Commvault: keys naming the source pass and say the client was not compared without commvaultSourceClient', () => {
    const l = checkNamespace(facts({}));
    expect(l.verdict).toBe('ok');
    expect(l.found).toContain('CvSrcClientName hanaprd, srcCrossSIDName PRD');
    expect(l.found).toContain('the dSource names no commvaultSourceClient');
  });

  test("Commvault: a client other than the dSource's commvaultSourceClient fails with the line to write", () => {
    const l = checkNamespace(facts({ sourceClient: 'hanaerp' }));
    expect(l.verdict).toBe('fail');
    expect(l.found).toContain('CvSrcClientName names hanaprd, not the source client hanaerp');
    expect(l.fix).toContain('"CvSrcClientName hanaerp"');
  });

  test('Commvault 11.16 keys (srcCrossClient, srcCrossDbName) are accepted', () => {
    const l = checkNamespace(facts({ target: { file: '/q/param', text: 'srcCrossClient hanaprd\nsrcCrossDbName PRD\n' } }));
    expect(l.verdict).toBe('ok');
  });

  test("S3: the source's file unreadable is said, the target's store still shown", () => {
    const l = checkNamespace(
      facts({
        backupSource: 'S3_BACKINT',
        target: { file: '/q/aws.yaml', text: 'S3BucketName: "b"\nS3BucketFolder: "hana"\n' },
        source: { file: '/p/aws.yaml', host: 'hanaprd', text: null, unreadable: 'does not exist' },
      }),
    );
    expect(l.verdict).toBe('ok');
    expect(l.found).toBe(
      "the target's tool reads s3://b/hana with ERP@PRD in it (the source's file /p/aws.yaml on hanaprd was not read: does not exist)",
    );
  });
});

/** A data backup at T0 and log backups written every 15 min after it, one volume. */
function catalogOf(logs: number): CatalogBackup[] {
  const file = (path: string, ebid: string, redo: bigint, last: bigint | null, commit: number | null) => ({
    sourceId: 2,
    sourceType: 'volume',
    serviceType: 'indexserver',
    destinationType: 'backint',
    path,
    ebid,
    redoLogPosition: redo,
    lastRedoLogPosition: last,
    lastCommitMs: commit,
  });
  const out: CatalogBackup[] = [
    {
      backupId: '1',
      entryType: 'complete data backup',
      startMs: T0,
      endMs: T0 + 10_000,
      files: [file('/b/DB_ERP/FULL_databackup_2_1', 'd1', 100n, null, T0)],
    },
  ];
  for (let i = 1; i <= logs; i++) {
    const at = T0 + i * 900_000;
    out.push({
      backupId: String(1 + i),
      entryType: 'log backup',
      startMs: at,
      endMs: at + 1000,
      files: [file(`/b/DB_ERP/log_backup_2_0_${i}`, `l${i}`, BigInt(100 * i), BigInt(100 * (i + 1)), at - 1000)],
    });
  }
  return out;
}

const visibleOnly = (...ebids: string[]) => new Map(ebids.map((e) => [e, { visible: true, createdMs: null }]));

function backupFacts(over: Partial<BackupFacts>): BackupFacts {
  return {
    user: 'ERP@PRD',
    backupSource: 'COMMVAULT_BACKINT',
    nowMs: T0 + 2 * 900_000 + 60_000,
    rpoOffsetMinutes: 0,
    checkAccess: true,
    backups: catalogOf(2),
    catalogBackups: [
      { backupId: '9', writtenMs: T0 + 2 * 900_000 + 2000, path: '/b/DB_ERP/log_backup_0_0_0_0', ebid: 'c2' },
      { backupId: '8', writtenMs: T0 + 900_000 + 2000, path: '/b/DB_ERP/log_backup_0_0_0_0', ebid: 'c1' },
    ],
    visibility: visibleOnly('d1', 'l1', 'l2', 'c1', 'c2'),
    inquireError: null,
    ...over,
  };
}

describe('backup lines', () => {
  test('only an older catalog visible: WARN past the RPO offset (HANA plans from it), OK within it', () => {
    const older = visibleOnly('d1', 'l1', 'l2', 'c1');
    const late = checkCatalog(backupFacts({ visibility: older }));
    expect(late.verdict).toBe('warn');
    expect(late.found).toMatch(/HANA would plan from catalog backup 8, .*and not see the log backups written after it/);
    expect(checkCatalog(backupFacts({ visibility: older, rpoOffsetMinutes: 5 })).verdict).toBe('ok');
    expect(checkCatalog(backupFacts({ visibility: visibleOnly('d1') })).verdict).toBe('fail');
  });

  test('no log backup in the catalog is a WARN naming the settings to check', () => {
    const l = checkLogBackup(backupFacts({ backups: catalogOf(0) }));
    expect(l.verdict).toBe('warn');
    expect(l.fix).toContain('enable_auto_log_backup');
  });

  test('the tool that could not answer fails the backup lines with its message', () => {
    const l = checkLogBackup(backupFacts({ visibility: null, inquireError: 'hdbbackint: no such bucket' }));
    expect(l.verdict).toBe('fail');
    expect(l.found).toContain('hdbbackint: no such bucket');
  });

  test('CHECK ACCESS: off is OK and said; on with a hidden log file of the recovery FAILs naming it', () => {
    expect(checkAccessLine(backupFacts({ checkAccess: false })).found).toMatch(/^off for this dSource/);
    const l = checkAccessLine(backupFacts({ visibility: visibleOnly('d1', 'l1') }));
    expect(l.verdict).toBe('fail');
    expect(l.found).toContain('/b/DB_ERP/log_backup_2_0_2');
  });
});
