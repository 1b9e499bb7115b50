/**
 * HANA version numbers (`SELECT VERSION FROM SYS.M_DATABASE`, e.g. `2.00.076.00.1705400033`): major, minor,
 * revision, patch and a build stamp. They compare number by number (`2.00.076` is newer than `2.00.59`, which a
 * text comparison gets wrong); the build stamp does not order releases and is ignored.
 */
export interface HanaVersion {
  text: string;
  /** major, minor, revision, patch */
  parts: [number, number, number, number];
}

const VERSION = /^(\d{1,3})\.(\d{1,3})\.(\d{1,4})(?:\.(\d{1,3}))?(?:\.\d+)?$/;

/** Null when the text is not a HANA version. */
export function parseHanaVersion(text: string | null | undefined): HanaVersion | null {
  const t = (text ?? '').trim();
  const m = VERSION.exec(t);
  if (!m) return null;
  return { text: t, parts: [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0)] };
}

/** < 0 when a is older than b, 0 when the same release, > 0 when newer. */
export function compareHanaVersions(a: HanaVersion, b: HanaVersion): number {
  for (let i = 0; i < 4; i++) if (a.parts[i] !== b.parts[i]) return a.parts[i]! - b.parts[i]!;
  return 0;
}

/** `2.0 SPS07 revision 76` style, for messages: revision 076 of 2.00 is SPS07. */
export function describeHanaVersion(v: HanaVersion): string {
  const [major, minor, revision] = v.parts;
  if (major !== 2 || minor !== 0) return v.text;
  return `${v.text} (2.0 SPS${String(Math.floor(revision / 10)).padStart(2, '0')} revision ${revision})`;
}
