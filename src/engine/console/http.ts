/** Small HTTP helpers for the console: JSON bodies with a size limit, JSON replies, errors with a status. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UserError } from '../../sdk/errors.js';
import type { Problem } from '../../sdk/schema.js';

/** A problem with one form field, as the browser shows it next to that field. */
export interface FieldProblem extends Problem {
  /** Top-level property the problem belongs to, or '' for the whole document. */
  field: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly action = '',
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const MAX_BODY_BYTES = 64 * 1024;

/** The request body as a JSON object; 415 unless application/json (a plain form post cannot send it), 400 when malformed. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`, 'Send less data.');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  if (type !== 'application/json')
    throw new HttpError(
      415,
      `The request body must be application/json, not '${type || 'none'}'.`,
      'Send JSON with Content-Type: application/json.',
    );
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `The request body is not valid JSON: ${(e as Error).message}.`, 'Send one JSON object.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HttpError(400, 'The request body must be a JSON object.', 'Send one JSON object.');
  return value as Record<string, unknown>;
}

const API_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, API_HEADERS);
  res.end(JSON.stringify(body));
}

/** Errors the user can fix (UserError, HttpError) keep their message; anything else is a 500 without details. */
export function errorReply(err: unknown): {
  status: number;
  body: { error: { message: string; action: string }; problems?: FieldProblem[] };
} {
  if (err instanceof HttpError) {
    return {
      status: err.status,
      body: { error: { message: err.message, action: err.action }, ...(err.problems.length ? { problems: err.problems } : {}) },
    };
  }
  if (err instanceof UserError || (err as Error | undefined)?.name === 'UserError') {
    const e = err as UserError;
    return { status: 400, body: { error: { message: e.message, action: e.action ?? '' } } };
  }
  return {
    status: 500,
    body: {
      error: {
        message: 'Internal error in the console.',
        action: 'See the engine log (logs/hana-vdb.jsonl in the data directory).',
      },
    },
  };
}
