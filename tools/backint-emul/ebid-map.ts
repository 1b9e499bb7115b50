/**
 * The emulated tool's own EBIDs over the wrapped store's: one outer EBID per backup call (a "job"), covering every
 * file of that call, mapped to the store's per-file EBIDs. Kept as small files beside the store so concurrent
 * agent processes never rewrite each other's entries.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function key(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

export class EbidMap {
  constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'by-outer'), { recursive: true });
    mkdirSync(join(dir, 'by-inner'), { recursive: true });
  }

  record(user: string, outer: string, path: string, inner: string): void {
    appendFileSync(join(this.dir, 'by-outer', key(user, outer)), JSON.stringify([path, inner]) + '\n');
    writeFileSync(join(this.dir, 'by-inner', key(user, inner)), outer);
  }

  /** Store EBIDs of the outer EBID, per path. */
  files(user: string, outer: string): Array<{ path: string; inner: string }> {
    const f = join(this.dir, 'by-outer', key(user, outer));
    if (!existsSync(f)) return [];
    return readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [path, inner] = JSON.parse(l) as [string, string];
        return { path, inner };
      });
  }

  inner(user: string, outer: string, path: string): string | undefined {
    return this.files(user, outer).find((f) => f.path === path)?.inner;
  }

  outer(user: string, inner: string): string | undefined {
    const f = join(this.dir, 'by-inner', key(user, inner));
    return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
  }
}
