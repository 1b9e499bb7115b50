import { fileURLToPath } from 'node:url';
import { loadPluginSchema, pluginSchemaFromJson, DEFINITION_NAMES } from '../../src/sdk/schema.js';
import { UserError } from '../../src/sdk/errors.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const schema = loadPluginSchema(`${root}schemas/schema.json`);

const repository = {
  name: 'PRD HDB00 2.00.070',
  sid: 'PRD',
  instanceNumber: '00',
  hostName: 'hanaprd',
  installationPath: '/usr/sap/PRD/HDB00',
  version: '2.00.070.00.1682342343',
  hdbsqlPath: '/usr/sap/PRD/HDB00/exe/hdbsql',
  hdbuserstorePath: '/usr/sap/PRD/HDB00/exe/hdbuserstore',
  traceDirectory: '/usr/sap/PRD/HDB00/hanaprd/trace',
  osUser: 'prdadm',
};
const linked = {
  sourceTenant: 'ERP',
  sourceUserStoreKey: 'PRDSYSTEMDB',
  backintParameterFile: '/usr/sap/PRD/SYS/global/hdb/opt/hdbconfig/param',
};
const virtual = {
  targetTenant: 'VDB1',
  targetUserStoreKey: 'QASSYSTEMDB',
  backintParameterFile: '/usr/sap/QAS/SYS/global/hdb/opt/hdbconfig/param',
  mountBase: '/mnt/hana-vdb',
};
const dsourceSnapshot = {
  sourceSid: 'PRD',
  sourceTenant: 'ERP',
  originTimestamp: '2020-01-01T12:30:00Z',
  rpoOffsetMinutes: 15,
  takenAt: '2020-01-01T12:45:00Z',
};
const vdbSnapshot = {
  ...dsourceSnapshot,
  executionTimestamp: '2020-01-01T13:00:00Z',
  recoveryTimestamp: '2020-01-01T12:30:00Z',
  achievedTimestamp: '2020-01-01T12:29:58Z',
  recoveryInfo: 'recovered to 2020-01-01 12:29:58',
  reachedLogPosition: '123456789',
  operationId: '187e6e0e8dc',
  pinnedTimestamp: '2020-01-01T12:29:58Z',
  pinnedLogPosition: '123456789',
  driftSeconds: 2,
  coverage: { covered: true, coveredUntil: '2020-01-01T12:40:00Z', policy: 'wait', waitedSeconds: 0 },
  logShippingLagSeconds: 0,
  verificationResult: '42',
};

function messageOf(fn: () => void): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('schemas/schema.json at run time', () => {
  test('valid objects of every definition pass', () => {
    expect(schema.check('repositoryDefinition', repository)).toEqual([]);
    expect(schema.check('sourceConfigDefinition', { name: 'ERP@PRD', sid: 'PRD', tenant: 'ERP', activeStatus: 'YES' })).toEqual([]);
    expect(schema.check('linkedSourceDefinition', linked)).toEqual([]);
    expect(schema.check('virtualSourceDefinition', { ...virtual, verificationQuery: 'SELECT COUNT(*) FROM MARKER.ROWS' })).toEqual(
      [],
    );
    expect(schema.check('snapshotDefinition', dsourceSnapshot)).toEqual([]);
    expect(schema.check('snapshotDefinition', vdbSnapshot)).toEqual([]);
    expect(schema.check('snapshotParametersDefinition', { resync: true })).toEqual([]);
    expect(schema.check('snapshotParametersDefinition', {})).toEqual([]);
  });

  test('the six definitions are exposed raw', () => {
    expect(Object.keys(schema.definitions).sort()).toEqual([...DEFINITION_NAMES].sort());
    expect(schema.definitions.repositoryDefinition.nameField).toBe('name');
  });

  test('a missing field is named by JSON path with its fix', () => {
    const { sourceTenant: _omit, ...noTenant } = linked;
    const err = messageOf(() => schema.validate('linkedSourceDefinition', noTenant));
    expect(err.message).toContain('$.sourceTenant');
    expect(err.message).toContain('required');
    expect(err.action).toContain('$.sourceTenant: Add "sourceTenant"');
  });

  test('all problems are reported at once', () => {
    const problems = schema.check('linkedSourceDefinition', {
      ...linked,
      rpoOffsetMinutes: -5,
      coveragePolicy: 'sometimes',
      extra: 1,
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['$.coveragePolicy', '$.extra', '$.rpoOffsetMinutes']);
    expect(problems.find((p) => p.path === '$.coveragePolicy')!.fix).toBe('Use one of: "wait", "fail", "proceed".');
    expect(problems.find((p) => p.path === '$.rpoOffsetMinutes')!.fix).toBe('Use a number from 0 to 43200.');
  });

  test('nested fields get nested paths', () => {
    const problems = schema.check('snapshotDefinition', { ...vdbSnapshot, coverage: { covered: 'yes' } });
    expect(problems).toEqual([expect.objectContaining({ path: '$.coverage.covered', fix: expect.stringContaining('boolean') })]);
  });

  test('a dSource snapshot needs only the five base fields; a VDB snapshot field is still checked', () => {
    const { takenAt: _t, ...noTakenAt } = dsourceSnapshot;
    expect(schema.check('snapshotDefinition', noTakenAt).map((p) => p.path)).toEqual(['$.takenAt']);
    expect(
      schema.check('snapshotDefinition', { ...dsourceSnapshot, achievedTimestamp: '2020-01-01 12:29:58' }).map((p) => p.path),
    ).toEqual(['$.achievedTimestamp']);
    expect(
      schema.check('snapshotDefinition', { ...dsourceSnapshot, originTimestamp: '2020-01-01T12:30:00+01:00' }).map((p) => p.path),
    ).toEqual(['$.originTimestamp']);
    expect(schema.check('snapshotDefinition', { ...vdbSnapshot, reachedLogPosition: '12a' }).map((p) => p.path)).toEqual([
      '$.reachedLogPosition',
    ]);
  });

  test('the pattern fix comes from dxFormProperties.validationMessages', () => {
    const [p] = schema.check('repositoryDefinition', { ...repository, sid: 'prd' });
    expect(p!.path).toBe('$.sid');
    expect(p!.message).toContain('"prd"');
    expect(p!.fix).toMatch(/3-character SAP system ID/);
  });

  describe('identifiers that could inject SQL or shell are rejected', () => {
    test.each([
      ['linkedSourceDefinition', 'sourceTenant', 'ERP; DROP'],
      ['linkedSourceDefinition', 'sourceTenant', 'ERP"--'],
      ['linkedSourceDefinition', 'sourceTenant', "ERP' OR '1'='1"],
      ['linkedSourceDefinition', 'sourceTenant', 'erp'],
      ['linkedSourceDefinition', 'sourceTenant', 'SYSTEMDB'],
      ['linkedSourceDefinition', 'sourceUserStoreKey', 'KEY -u SYSTEM'],
      ['linkedSourceDefinition', 'sourceUserStoreKey', 'KEY`id`'],
      ['linkedSourceDefinition', 'backintParameterFile', '/tmp/$(rm -rf)'],
      ['linkedSourceDefinition', 'backintParameterFile', '/tmp/a;rm -rf /'],
      ['linkedSourceDefinition', 'backintParameterFile', '/tmp/a b'],
      ['linkedSourceDefinition', 'backintParameterFile', 'relative/param'],
      ['linkedSourceDefinition', 'backintParameterFile', '/tmp/../etc/passwd'],
      ['linkedSourceDefinition', 'backintParameterFile', '/tmp/a|b'],
      ['linkedSourceDefinition', 'backintParameterFile', "/tmp/a'b"],
      ['linkedSourceDefinition', 'backintParameterFile', '/tmp/a\nb'],
      ['virtualSourceDefinition', 'targetTenant', 'VDB1\nDROP'],
      ['virtualSourceDefinition', 'mountBase', '/mnt/`reboot`'],
      ['virtualSourceDefinition', 'verificationQuery', 'SELECT 1 FROM DUMMY; DROP DATABASE ERP'],
      ['virtualSourceDefinition', 'verificationQuery', 'DELETE FROM T'],
      ['virtualSourceDefinition', 'verificationQuery', 'SELECT 1 FROM DUMMY\n\\q'],
    ] as const)('%s.%s = %j', (definition, field, value) => {
      const base = definition === 'linkedSourceDefinition' ? linked : virtual;
      const problems = schema.check(definition, { ...base, [field]: value });
      expect(problems.map((p) => p.path)).toEqual([`$.${field}`]);
    });

    test.each([
      ['sid', 'PR;'],
      ['sid', 'PRDX'],
      ['instanceNumber', '0'],
      ['instanceNumber', '00 && id'],
      ['hostName', 'host;id'],
      ['osUser', 'prdadm;id'],
      ['hdbsqlPath', '/usr/sap/PRD/HDB00/exe/hdbsql && id'],
    ] as const)('repositoryDefinition.%s = %j', (field, value) => {
      expect(schema.check('repositoryDefinition', { ...repository, [field]: value }).map((p) => p.path)).toEqual([`$.${field}`]);
    });
  });

  test('withDefaults fills only absent properties that declare a default', () => {
    const filled = schema.withDefaults('linkedSourceDefinition', { ...linked, coveragePolicy: 'fail' });
    expect(filled).toEqual({
      ...linked,
      backupSource: 'S3_BACKINT',
      checkAccessUsingBackint: true,
      rpoOffsetMinutes: 0,
      coveragePolicy: 'fail',
      coverageWaitTimeoutSeconds: 900,
      maxDriftSeconds: 0,
      driftAction: 'warn',
    });
    expect(schema.check('linkedSourceDefinition', filled)).toEqual([]);
  });

  test('an invalid schema file is a UserError naming the missing definitions', () => {
    const err = messageOf(() => pluginSchemaFromJson({ repositoryDefinition: {} }, 'x.json'));
    expect(err.message).toContain('sourceConfigDefinition');
    expect(err.message).toContain('x.json');
  });

  test('a password-format value is never echoed', () => {
    const s = pluginSchemaFromJson({
      ...schema.definitions,
      snapshotParametersDefinition: {
        type: 'object',
        properties: { pw: { type: 'string', format: 'password', pattern: '^[a-z]+$' } },
      },
    });
    const [p] = s.check('snapshotParametersDefinition', { pw: 'S3cret!' });
    expect(p!.path).toBe('$.pw');
    expect(JSON.stringify(p)).not.toContain('S3cret');
  });
});
