/** Reading a Backint tool's inquire answer the way every supported tool can give it (src/hana/log-coverage/inquire.ts). */
import { describe, expect, test } from '@jest/globals';
import { inquireFailure, parseInquireOutput, visibilityByEbid } from '../../../src/hana/log-coverage/inquire.js';

const A = '/usr/sap/PRD/SYS/global/hdb/backint/DB_ERP/FULL_databackup_2_1';
const B = '/usr/sap/PRD/SYS/global/hdb/backint/DB_ERP/FULL_databackup_3_1';
const LOG = '/usr/sap/PRD/SYS/global/hdb/backint/DB_ERP/log_backup_2_0_100_200';

describe('inquire answers', () => {
  test('an agent that exits 1 with #NOTFOUND lines is an answer (the log is not there yet), not a failure', () => {
    const out = `#SOFTWAREID "backint 1.50" "Commvault"\n#BACKUP "4711" ${A} "2026-12-05T10:00:00.000Z"\n#NOTFOUND "4712" ${LOG}\n`;
    const parsed = parseInquireOutput(out);
    expect(inquireFailure(parsed, 1, 'some objects were not found')).toBeNull();
    const v = visibilityByEbid(
      [
        { ebid: '4711', path: A },
        { ebid: '4712', path: LOG },
      ],
      parsed.byObject,
    );
    expect(v.get('4711')).toEqual({ visible: true, createdMs: Date.parse('2026-12-05T10:00:00.000Z') });
    expect(v.get('4712')!.visible).toBe(false);
  });

  test('#ERROR lines or no answer at all are failures, whatever the exit code', () => {
    expect(inquireFailure(parseInquireOutput(`#ERROR "4711" ${A}\n`), 0, '')).toMatch(/#ERROR/);
    expect(inquireFailure(parseInquireOutput('#SOFTWAREID "backint 1.50" "x"\n'), 1, 'cannot reach media agent')).toBe(
      'cannot reach media agent',
    );
  });

  test('one EBID covering several files is visible only when each (EBID, path) is', () => {
    const parsed = parseInquireOutput(`#BACKUP "4711" ${A}\n#NOTFOUND "4711" ${B}\n`);
    const v = visibilityByEbid(
      [
        { ebid: '4711', path: A },
        { ebid: '4711', path: B },
      ],
      parsed.byObject,
    );
    expect(v.get('4711')!.visible).toBe(false);
  });
});
