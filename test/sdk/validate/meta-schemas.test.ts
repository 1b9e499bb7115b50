/** The repo's plugin_config.yml and schemas/schema.json against Delphix's own meta-schemas (src/sdk/validate/meta). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { createAjv } from '../../../src/sdk/ajv.js';
import {
  configSchema,
  delphixConfigSchema,
  importerTables,
  metaDir,
  pluginMetaSchema,
} from '../../../src/sdk/validate/meta-schemas.js';
import { checkSchemaFile } from '../../../src/sdk/validate/schema-file.js';
import { OPERATION_NAMES } from '../../../src/sdk/plugin.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const config = parseYaml(readFileSync(`${repoRoot}plugin_config.yml`, 'utf8')) as Record<string, unknown>;
const schema = JSON.parse(readFileSync(`${repoRoot}schemas/schema.json`, 'utf8')) as Record<string, unknown>;

const gitBlobId = (file: string) => {
  const data = readFileSync(file);
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
};

describe('Delphix meta-schemas shipped in src/sdk/validate/meta', () => {
  test('are the verbatim SDK 5.0.1 files (git blob ids from the provenance notes)', () => {
    expect(gitBlobId(`${metaDir()}/plugin_config_schema.json`)).toBe('109f8f37dff00671949a54d6c2733d8ca8463872');
    expect(gitBlobId(`${metaDir()}/plugin_schema.json`)).toBe('59c39057618a658d24ad8b9486b5c2d2bd657d2b');
    expect(gitBlobId(`${metaDir()}/plugin_importer.yaml`)).toBe('9193e58166a8855b7ee7d9384ac46d603c34bd99');
    expect(readFileSync(`${metaDir()}/NOTICE`, 'utf8')).toContain('Apache License, Version 2.0');
  });

  test('plugin_config.yml validates with only the language enum widened', () => {
    const ajv = createAjv();
    const widened = ajv.compile(configSchema());
    expect(widened(config)).toBe(true);
    const original = createAjv().compile(delphixConfigSchema());
    expect(original(config)).toBe(false);
    expect(original.errors!.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/language enum']);
  });

  test('plugin_config.yml sets every field Delphix defines for a STAGED UNIX plugin', () => {
    const props = Object.keys(delphixConfigSchema().properties as object).filter(
      (k) => !['luaName', 'minimumLuaVersion'].includes(k),
    );
    expect(Object.keys(config).sort()).toEqual(props.sort());
    expect(config).toMatchObject({
      pluginType: 'STAGED',
      hostTypes: ['UNIX'],
      entryPoint: 'index:plugin',
      srcDir: 'plugin',
      schemaFile: 'schemas/schema.json',
      language: 'TYPESCRIPT_NODE20',
    });
    expect(typeof config.buildNumber).toBe('string');
  });

  test('schemas/schema.json validates against plugin_schema.json', () => {
    const validate = createAjv().compile(pluginMetaSchema());
    expect(validate(schema)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });

  test('schemas/schema.json also passes the stricter checks without a warning', () => {
    expect(checkSchemaFile(`${repoRoot}schemas/schema.json`)).toEqual([]);
  });

  test.each(['couchbase', 'mysqllinux', 'dvp-init'])('real Delphix schema %s is accepted (stricter rules only warn)', (name) => {
    const problems = checkSchemaFile(`${repoRoot}test/fixtures/plugins/delphix-examples/${name}.schema.json`);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  test('the meta-schema catches a structural error', () => {
    const validate = createAjv().compile(pluginMetaSchema());
    const broken = structuredClone(schema) as { sourceConfigDefinition: Record<string, unknown> };
    delete broken.sourceConfigDefinition.identityFields;
    expect(validate(broken)).toBe(false);
  });

  test('plugin_importer.yaml, camelCased, names exactly the operations the Plugin registries offer', () => {
    const t = importerTables();
    for (const area of ['discovery', 'linked', 'virtual'] as const) {
      expect(Object.keys(t.expectedArgs.STAGED[area]).sort()).toEqual([...OPERATION_NAMES[area]].sort());
    }
    expect(t.expectedArgs.STAGED.linked.postSnapshot).toEqual([
      'stagedSource',
      'repository',
      'sourceConfig',
      'optionalSnapshotParameters',
    ]);
    expect(t.expectedArgs.DIRECT.linked.startStaging).toBeUndefined();
    expect(t.upgradeArgs).toEqual({
      repository: ['oldRepository'],
      sourceConfig: ['oldSourceConfig'],
      linkedSource: ['oldLinkedSource'],
      virtualSource: ['oldVirtualSource'],
      snapshot: ['oldSnapshot'],
    });
    expect(t.required.STAGED.map((r) => `${r.area}.${r.name}`)).toEqual([
      'discovery.repository',
      'discovery.sourceConfig',
      'linked.postSnapshot',
      'linked.mountSpecification',
      'virtual.configure',
      'virtual.reconfigure',
      'virtual.postSnapshot',
      'virtual.mountSpecification',
    ]);
    expect(t.required.STAGED[0]!.description).toBe('Repository Discovery');
  });
});

describe('schemas/schema.json follows the cross-team contract', () => {
  const props = (d: string) => Object.keys((schema[d] as { properties: object }).properties);
  test.each([
    [
      'repositoryDefinition',
      [
        'name',
        'sid',
        'instanceNumber',
        'hostName',
        'installationPath',
        'version',
        'hdbsqlPath',
        'hdbuserstorePath',
        'traceDirectory',
        'osUser',
      ],
    ],
    ['sourceConfigDefinition', ['name', 'sid', 'tenant', 'activeStatus']],
    [
      'linkedSourceDefinition',
      [
        'backupSource',
        'sourceTenant',
        'rpoOffsetMinutes',
        'sourceUserStoreKey',
        'backintParameterFile',
        'coveragePolicy',
        'coverageWaitTimeoutSeconds',
        'maxDriftSeconds',
        'driftAction',
        'checkAccessUsingBackint',
        'commvaultSourceClient',
      ],
    ],
    [
      'virtualSourceDefinition',
      [
        'targetTenant',
        'targetUserStoreKey',
        'backintParameterFile',
        'mountBase',
        'coveragePolicy',
        'maxDriftSeconds',
        'driftAction',
        'verificationQuery',
        'sourceCatalogUserStoreKey',
        'targetTenantUserStoreKey',
        'coverageWaitTimeoutSeconds',
      ],
    ],
    [
      'snapshotDefinition',
      [
        'sourceSid',
        'sourceTenant',
        'originTimestamp',
        'rpoOffsetMinutes',
        'takenAt',
        'executionTimestamp',
        'recoveryTimestamp',
        'achievedTimestamp',
        'recoveryInfo',
        'reachedLogPosition',
        'operationId',
        'pinnedTimestamp',
        'pinnedLogPosition',
        'driftSeconds',
        'coverage',
        'logShippingLagSeconds',
        'verificationResult',
        'recoveryPolicy',
        'recoveryWarnings',
        'backupSource',
        'checkAccessUsingBackint',
        'commvaultSourceClient',
      ],
    ],
    ['snapshotParametersDefinition', ['resync']],
  ])('%s has exactly the contract properties, in its ordering', (d, expected) => {
    expect(props(d).sort()).toEqual([...expected].sort());
    expect((schema[d] as { ordering: string[] }).ordering.sort()).toEqual([...expected].sort());
  });

  test('nameField and identityFields', () => {
    expect(schema.repositoryDefinition).toMatchObject({ nameField: 'name', identityFields: ['sid', 'instanceNumber'] });
    expect(schema.sourceConfigDefinition).toMatchObject({ nameField: 'name', identityFields: ['sid', 'tenant'] });
  });

  test('a dSource snapshot requires only the five base fields', () => {
    expect((schema.snapshotDefinition as { required: string[] }).required.sort()).toEqual([
      'originTimestamp',
      'rpoOffsetMinutes',
      'sourceSid',
      'sourceTenant',
      'takenAt',
    ]);
  });
});
