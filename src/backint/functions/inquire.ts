/**
 * -f inquire: `#NULL` | `#NULL <path>` | `#EBID "<ebid>"` | `#EBID "<ebid>" <path>` →
 * `#BACKUP "<ebid>" <path>[ "<created>"]` per version, newest first (creation time from Backint 1.50),
 * `#NOTFOUND [params]` | `#ERROR [params]` echoing what was given.
 */
import type { Line } from '../grammar.js';
import { quote, versionAtLeast } from '../grammar.js';
import { isVisible, newestFirst, visibilityRule, type ObjectManifest, type ObjectVersion } from '../objects.js';
import type { ObjectStore } from '../store/store.js';
import { inOrderPool, message, type FunctionOptions, type Outcome, type Output } from './context.js';

/**
 * Listings carry the creation time the EBID was made with (the start of the backup); the manifest records when
 * the last byte was stored. Backint 1.50 answers with the latter, as Google's agent does (GCS object.Created,
 * internal/backint/inquire/inquire.go). A version whose manifest is gone meanwhile is dropped.
 */
async function completionTimes(found: ObjectVersion[], store: ObjectStore): Promise<ObjectVersion[]> {
  const out: (ObjectVersion | undefined)[] = await inOrderPool(found, 8, async (v) => {
    const m = 'kind' in v ? (v as ObjectManifest) : await store.stat(v.user, v.path, v.ebid);
    return m && { user: m.user, path: m.path, ebid: m.ebid, createdAt: m.createdAt };
  });
  return out.filter((v): v is ObjectVersion => v !== undefined);
}

async function inquireOne(line: Line, out: Output, store: ObjectStore, o: FunctionOptions): Promise<Outcome[]> {
  const echo = line.params.map((t) => t.raw).join(' ');
  const suffix = echo ? ` ${echo}` : '';
  const withTime = versionAtLeast(o.version, [1, 50]);
  try {
    const [first, second] = line.params;
    let found: ObjectVersion[];
    // A path given by HANA is echoed as received; names rebuilt from the store are quoted.
    let pathText: (v: ObjectVersion) => string = (v) => quote(v.path);
    if (line.keyword === '#NULL') {
      if (first) {
        found = await store.versions(o.user, first.value);
        pathText = () => first.raw;
      } else found = await store.list(o.user);
    } else if (second) {
      const m = await store.stat(o.user, second.value, first!.value);
      found = m ? [m] : [];
      pathText = () => second.raw;
    } else {
      found = (await store.list(o.user)).filter((v) => v.ebid === first!.value);
    }
    if (withTime) found = await completionTimes(found, store);
    const now = o.clock();
    const visible = found.filter((v) => isVisible(v, now, visibilityRule(o.params))).sort(newestFirst);
    if (visible.length === 0) {
      const result = `#NOTFOUND${suffix}`;
      out.line(result);
      return [{ ok: true, result }];
    }
    return visible.map((v) => {
      const result = `#BACKUP ${quote(v.ebid)} ${pathText(v)}${withTime ? ` ${quote(new Date(v.createdAt).toISOString())}` : ''}`;
      out.line(result);
      return { ok: true, result };
    });
  } catch (e) {
    const result = `#ERROR${suffix}`;
    out.line(result);
    o.log.error(`inquire ${echo || '#NULL'} failed: ${message(e)}`);
    return [{ ok: false, result, reason: `inquire ${echo || '#NULL'}: ${message(e)}` }];
  }
}

export async function inquire(lines: readonly Line[], out: Output, store: ObjectStore, o: FunctionOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const line of lines) outcomes.push(...(await inquireOne(line, out, store, o)));
  return outcomes;
}
