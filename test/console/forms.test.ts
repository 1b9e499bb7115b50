/** Forms from the real schemas/schema.json, and write-only fields kept out of what goes back. */
import { join } from 'node:path';
import { loadPluginSchema, pluginSchemaFromJson } from '../../src/sdk/schema.js';
import { describeForm, fieldProblems, withoutSecrets } from '../../src/engine/console/forms.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const schema = loadPluginSchema(join(repoRoot, 'schemas/schema.json'));

describe('describeForm', () => {
  test('linkedSourceDefinition: ordering, prettyName labels, descriptions, defaults, enums, bounds, patterns', () => {
    const form = describeForm(schema, 'linkedSourceDefinition');
    const def = schema.definitions.linkedSourceDefinition as { ordering: string[]; required: string[] };
    expect(form.fields.map((f) => f.name)).toEqual(def.ordering);
    const rpo = form.fields.find((f) => f.name === 'rpoOffsetMinutes')!;
    expect(rpo).toMatchObject({
      label: 'RPO Offset (minutes)',
      type: 'integer',
      default: 0,
      minimum: 0,
      maximum: 43200,
      required: false,
      password: false,
    });
    expect(rpo.help).toMatch(/^Whole minutes subtracted/);
    const source = form.fields.find((f) => f.name === 'backupSource')!;
    expect(source).toMatchObject({ enum: ['COMMVAULT_BACKINT', 'S3_BACKINT'], default: 'S3_BACKINT' });
    const tenant = form.fields.find((f) => f.name === 'sourceTenant')!;
    expect(tenant.required).toBe(true);
    expect(new RegExp(tenant.pattern!).test('ERP')).toBe(true);
    expect(new RegExp(tenant.pattern!).test('erp')).toBe(false);
    expect(tenant.messages?.pattern).toMatch(/upper case/);
    expect(
      form.fields
        .filter((f) => f.required)
        .map((f) => f.name)
        .sort(),
    ).toEqual([...def.required].sort());
  });

  test(
    'snapshotParametersDefinition: a boolean defaulting to false; virtualSourceDefinition: ' +
      'text areas from dxFormProperties.rows',
    () => {
      expect(describeForm(schema, 'snapshotParametersDefinition').fields).toEqual([
        expect.objectContaining({ name: 'resync', type: 'boolean', default: false, label: 'Resynchronize' }),
      ]);
      const query = describeForm(schema, 'virtualSourceDefinition').fields.find((f) => f.name === 'verificationQuery')!;
      expect(query.rows).toBe(3);
    },
  );
});

describe('secrets', () => {
  const secretSchema = pluginSchemaFromJson({
    repositoryDefinition: { type: 'object' },
    sourceConfigDefinition: { type: 'object' },
    virtualSourceDefinition: { type: 'object' },
    snapshotDefinition: { type: 'object' },
    snapshotParametersDefinition: { type: 'object' },
    linkedSourceDefinition: {
      type: 'object',
      properties: { user: { type: 'string' }, password: { type: 'string', format: 'password', default: 'dflt-secret' } },
    },
  });

  test('a password field is marked write-only and its default is not shipped', () => {
    const f = describeForm(secretSchema, 'linkedSourceDefinition').fields.find((x) => x.name === 'password')!;
    expect(f.password).toBe(true);
    expect(f).not.toHaveProperty('default');
  });

  test('withoutSecrets drops password fields and says which were set', () => {
    expect(withoutSecrets(secretSchema, 'linkedSourceDefinition', { user: 'u', password: 'p4ss' })).toEqual({
      value: { user: 'u' },
      secretsSet: ['password'],
    });
    expect(withoutSecrets(secretSchema, 'linkedSourceDefinition', { user: 'u' })).toEqual({ value: { user: 'u' }, secretsSet: [] });
  });
});

test('fieldProblems ties each schema problem to its top-level field', () => {
  const problems = fieldProblems(schema.check('linkedSourceDefinition', { sourceTenant: 'erp', rpoOffsetMinutes: -1 }));
  expect(problems.map((p) => p.field).sort()).toEqual([
    'backintParameterFile',
    'rpoOffsetMinutes',
    'sourceTenant',
    'sourceUserStoreKey',
  ]);
});
