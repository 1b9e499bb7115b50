import { canonicalMigrationId, compareMigrationIds, Migrations } from '../../src/sdk/migrations.js';
import {
  MigrationIdAlreadyUsedError,
  MigrationIdIncorrectFormatError,
  MigrationIdIncorrectTypeError,
} from '../../src/sdk/errors.js';

describe('migration ids', () => {
  test.each([
    ['1', '1'],
    ['01.02', '1.2'],
    ['1.2.0', '1.2'],
    ['1.2.0.0', '1.2'],
    ['2025.11.01', '2025.11.1'],
    ['0.1', '0.1'],
  ])('%s canonicalises to %s', (id, canon) => expect(canonicalMigrationId(id)).toBe(canon));

  test.each(['', '1.', '.1', '1..2', '1.x', '-1', '1.2 ', 'v1', '0', '0.0'])('%j is malformed', (id) => {
    expect(() => canonicalMigrationId(id)).toThrow(MigrationIdIncorrectFormatError);
  });

  test('a non-string id is an incorrect type', () => {
    expect(() => canonicalMigrationId(12)).toThrow(MigrationIdIncorrectTypeError);
  });

  test('ids compare numerically, part by part', () => {
    expect(['1.10', '1.9', '2', '1.2.1', '1.2'].sort(compareMigrationIds)).toEqual(['1.2', '1.2.1', '1.9', '1.10', '2']);
  });
});

describe('Migrations', () => {
  test('ids are unique across object types after canonicalisation', () => {
    const m = new Migrations();
    m.repository('1.2', ({ oldRepository }) => oldRepository);
    expect(() => m.snapshot('01.02.0', ({ oldSnapshot }) => oldSnapshot)).toThrow(MigrationIdAlreadyUsedError);
    expect(() => m.repository('1.2', ({ oldRepository }) => oldRepository)).toThrow(
      'has already been used by upgrade.repository()',
    );
    expect(m.ids()).toEqual(['1.2']);
  });

  test('migrations of a type apply in numeric order, each receiving the previous output', async () => {
    const m = new Migrations();
    const trail =
      (step: string) =>
      ({ oldSnapshot }: { oldSnapshot: Record<string, unknown> }) => ({
        ...oldSnapshot,
        trail: `${String(oldSnapshot.trail ?? '')}>${step}`,
      });
    m.snapshot('1.10', trail('1.10'));
    m.snapshot('1.9', trail('1.9'));
    m.repository('1.5', ({ oldRepository }) => ({ ...oldRepository, touched: true }));
    m.snapshot('2', trail('2'));
    expect(await m.migrate('snapshot', { sourceSid: 'PRD' })).toEqual({ sourceSid: 'PRD', trail: '>1.9>1.10>2' });
    expect(await m.migrate('snapshot', { sourceSid: 'PRD' }, '1.9')).toEqual({ sourceSid: 'PRD', trail: '>1.10>2' });
    expect(await m.migrate('sourceConfig', { name: 'ERP@PRD' })).toEqual({ name: 'ERP@PRD' });
    expect(m.list('snapshot').map((x) => x.id)).toEqual(['1.9', '1.10', '2']);
  });
});
