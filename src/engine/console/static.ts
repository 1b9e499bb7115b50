/**
 * The page's files, served as they are from src/engine/console/public under the package root: plain HTML,
 * CSS and ES modules, so there is no build step for them and the same files run from src/ and dist/ builds.
 * Only names in that one directory are served.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';

export const PUBLIC_DIR = ['src', 'engine', 'console', 'public'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const FILE = /^[a-z][a-z0-9-]*\.(html|js|css|svg)$/;

/** Headers for every page response: scripts and styles only from here, no framing, no referrer (the URL once held a token). */
export const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export async function serveStatic(res: ServerResponse, packageRoot: string, name: string): Promise<boolean> {
  if (!FILE.test(name)) return false;
  let body: Buffer;
  try {
    body = await readFile(join(packageRoot, ...PUBLIC_DIR, name));
  } catch {
    return false;
  }
  res.writeHead(200, { ...PAGE_HEADERS, 'content-type': TYPES[name.slice(name.lastIndexOf('.'))]! });
  res.end(body);
  return true;
}
