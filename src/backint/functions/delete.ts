/**
 * -f delete: `#EBID "<ebid>" <path>` → `#DELETED` | `#NOTFOUND` | `#NOTDELETED` | `#ERROR`, each `"<ebid>" <path>`.
 * An object already gone is `#NOTFOUND` but not a failure: what HANA asked for holds, so a housekeeping run that
 * repeats a delete exits 0 (Google's agent does the same).
 */
import type { Line } from '../grammar.js';
import { quote } from '../grammar.js';
import { NotDeletedError, type ObjectStore } from '../store/store.js';
import { message, type FunctionOptions, type Outcome, type Output } from './context.js';

async function deleteOne(line: Line, out: Output, store: ObjectStore, o: FunctionOptions): Promise<Outcome> {
  const [ebid, p] = [line.params[0]!, line.params[1]!];
  const args = `${quote(ebid.value)} ${p.raw}`;
  let result: string;
  let reason: string | undefined;
  try {
    const r = await store.remove(o.user, p.value, ebid.value);
    result = r === 'deleted' ? `#DELETED ${args}` : `#NOTFOUND ${args}`;
    if (r === 'notfound') o.log.warn(`delete ${p.value} ${ebid.value}: already gone`);
  } catch (e) {
    result = e instanceof NotDeletedError ? `#NOTDELETED ${args}` : `#ERROR ${args}`;
    reason = `${p.value} ${ebid.value}: ${message(e)}`;
  }
  out.line(result);
  if (reason) o.log.warn(`delete ${reason}`);
  else if (result.startsWith('#DELETED')) o.log.info(`deleted ${ebid.value} of ${p.value}`);
  return { ok: !reason, result, ...(reason ? { reason } : {}) };
}

export async function deleteObjects(
  lines: readonly Line[],
  out: Output,
  store: ObjectStore,
  o: FunctionOptions,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const line of lines) outcomes.push(await deleteOne(line, out, store, o));
  return outcomes;
}
