/**
 * After an install: one small object through the installed executable, as HANA would drive it (backup, inquire,
 * restore, delete), under a namespace of its own so no HANA backup is touched. The verdict names the failed step.
 */
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Verification {
  readonly ok: boolean;
  readonly steps: { step: string; ok: boolean; answer: string }[];
  readonly verdict: string;
}

export async function verifyRoundTrip(executable: string, parameterFile: string, sid: string): Promise<Verification> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hana-backint-check-'));
  const steps: Verification['steps'] = [];
  const user = `HANA_BACKINT_CHECK@${sid}`;
  const call = async (fn: string, lines: string[], expect: RegExp): Promise<string | undefined> => {
    const r = await execa(executable, ['-f', fn, '-p', parameterFile, '-u', user], {
      input: `#SOFTWAREID "backint 1.50" "hana-backint install"\n${lines.join('\n')}\n`,
      reject: false,
    });
    const answer = `${r.stdout}`.split('\n')[1] ?? `${r.stderr}`.trim();
    const ok = r.exitCode === 0 && expect.test(answer);
    steps.push({ step: fn, ok, answer: ok ? answer : `${answer} ${`${r.stderr}`.trim()}`.trim() });
    return ok ? answer : undefined;
  };
  try {
    const object = path.join(dir, 'hana_backint_check');
    const content = `hana-backint installation check ${new Date().toISOString()}\n`;
    await writeFile(object, content);
    const saved = await call('backup', [`#FILE ${object}`], /^#SAVED "[^"]+" /);
    const ebid = saved && /"([^"]+)"/.exec(saved)![1]!;
    if (ebid && (await call('inquire', [`#EBID "${ebid}" ${object}`], /^#BACKUP /))) {
      const dest = path.join(dir, 'restored');
      if (await call('restore', [`#EBID "${ebid}" ${object} ${dest}`], /^#RESTORED /)) {
        const same = (await readFile(dest, 'utf8').catch(() => '')) === content;
        steps.push({ step: 'compare', ok: same, answer: same ? 'restored bytes equal' : 'restored bytes differ' });
      }
    }
    if (ebid) await call('delete', [`#EBID "${ebid}" ${object}`], /^#DELETED /);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const failed = steps.find((s) => !s.ok);
  const ok = !failed && steps.length === 5;
  return {
    ok,
    steps,
    verdict: ok
      ? 'verified: backup, inquire, restore and delete of a test object through the installed hdbbackint'
      : `NOT verified: ${failed ? `${failed.step} answered ${failed.answer}` : 'the round trip stopped early'}`,
  };
}
