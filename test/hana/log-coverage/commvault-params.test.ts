/** The target's Commvault parameter file must point a restore at the source (src/hana/log-coverage/commvault-params.ts). */
import { describe, expect, test } from '@jest/globals';
import { UserError } from '../../../src/sdk/errors.js';
import { checkCrossRestoreKeys } from '../../../src/hana/log-coverage/commvault-params.js';

const FILE = '/usr/sap/QAS/SYS/global/hdb/opt/hdbconfig/param';

function errorOf(text: string, sourceClient?: string): UserError {
  try {
    checkCrossRestoreKeys(text, { parameterFile: FILE, sourceSid: 'PRD', sourceClient });
  } catch (e) {
    return e as UserError;
  }
  throw new Error('no error');
}

describe('Commvault cross-restore keys', () => {
  test('2024e and older key names both pass when they name the source', () => {
    expect(() =>
      checkCrossRestoreKeys('CvInstanceName Instance001\nCvSrcClientName hanaprd\nsrcCrossSIDName PRD\n', {
        parameterFile: FILE,
        sourceSid: 'PRD',
        sourceClient: 'hanaprd',
      }),
    ).not.toThrow();
    expect(() =>
      checkCrossRestoreKeys('srcCrossClient hanaprd\nsrcCrossDbName PRD\n', { parameterFile: FILE, sourceSid: 'PRD' }),
    ).not.toThrow();
  });

  test('a missing SID key is one UserError naming the key and the line to add', () => {
    const e = errorOf('CvInstanceName Instance001\nCvSrcClientName hanaprd\n');
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(/srcCrossSIDName .*is missing/);
    expect(e.message).not.toMatch(/CvSrcClientName/);
    expect(e.action).toContain(`"srcCrossSIDName PRD"`);
    expect(e.action).toContain(FILE);
  });

  test('a missing client key names CvSrcClientName and the source client when known', () => {
    const e = errorOf('srcCrossSIDName PRD\n', 'hanaprd');
    expect(e.message).toMatch(/CvSrcClientName \(srcCrossClient before 2024e\) is missing/);
    expect(e.action).toContain('"CvSrcClientName hanaprd"');
  });

  test('keys naming another system are wrong, not missing', () => {
    const e = errorOf('CvSrcClientName hanaprd\nsrcCrossSIDName DEV\n');
    expect(e.message).toMatch(/srcCrossSIDName names DEV, not the source SID PRD/);
  });
});
