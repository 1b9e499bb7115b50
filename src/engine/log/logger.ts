/**
 * Engine logging (winston): JSON lines in <dataDir>/logs/hana-vdb.jsonl, readable lines on stderr
 * (warnings and errors; everything with --debug). Every line passes the redactor first, in both outputs.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import winston from 'winston';
import { redactor as defaultRedactor, type Redactor } from './redact.js';

export const LOG_FILE = 'hana-vdb.jsonl';

export interface LoggerOptions {
  dataDir: string;
  debug?: boolean;
  /** Console output on stderr (off for --json runs and tests). */
  console?: boolean;
  redactor?: Redactor;
}

const SPLAT = Symbol.for('splat');

function redaction(redactor: Redactor) {
  return winston.format((info) => {
    for (const key of Object.keys(info)) {
      const value = (info as Record<string, unknown>)[key];
      (info as Record<string, unknown>)[key] = redactor.redactValue(value);
    }
    delete (info as Record<symbol, unknown>)[SPLAT];
    return info;
  })();
}

export function logsDir(dataDir: string): string {
  return join(dataDir, 'logs');
}

export function createEngineLogger(opts: LoggerOptions): winston.Logger {
  const redactor = opts.redactor ?? defaultRedactor;
  mkdirSync(logsDir(opts.dataDir), { recursive: true });
  const transports: winston.transport[] = [
    new winston.transports.File({
      filename: join(logsDir(opts.dataDir), LOG_FILE),
      level: 'debug',
      format: winston.format.combine(redaction(redactor), winston.format.timestamp(), winston.format.json()),
    }),
  ];
  if (opts.console) {
    transports.push(
      new winston.transports.Console({
        level: opts.debug ? 'debug' : 'warn',
        stderrLevels: ['error', 'warn', 'info', 'debug'],
        format: winston.format.combine(
          // The CLI prints a failed job's error itself, once.
          winston.format((info) => (info.jobFailure === true ? false : info))(),
          redaction(redactor),
          winston.format.printf(
            (info) =>
              `${String(info.level)}: ${typeof info.jobId === 'number' ? `[job ${info.jobId}] ` : ''}${String(info.message)}`,
          ),
        ),
      }),
    );
  }
  return winston.createLogger({ level: 'debug', transports, exitOnError: false });
}

/** Flush and close every transport (the CLI calls this before exiting). */
export function closeLogger(logger: winston.Logger): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve();
      }
    };
    logger.on('finish', finish);
    logger.end();
    setTimeout(finish, 2000).unref();
  });
}
