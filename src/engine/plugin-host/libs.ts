/**
 * The engine's implementation of the SDK libs for one job: runBash over the job's SSH pool, credentials
 * from environment users, the plugin logger and progress reports routed to the job.
 */
import { existsSync, readFileSync } from 'node:fs';
import { IncorrectArgumentTypeError, LibraryError, UserError } from '../../sdk/errors.js';
import type { EngineLibs, PluginLogger, ProgressReport, RunBashOptions } from '../../sdk/libs.js';
import type { Credentials, RemoteConnection } from '../../sdk/platform.js';
import type { Redactor } from '../log/redact.js';
import type { SshPool } from '../ssh/pool.js';
import type { StoreReader } from '../store/queries.js';
import { resolveConnection, sshTarget } from '../workflows/connections.js';

export interface LibsContext {
  store: StoreReader;
  pool: SshPool;
  redactor: Redactor;
  log: PluginLogger;
  progress(report: ProgressReport): void;
}

function checkRunBashArgs(command: unknown, options: RunBashOptions | undefined): void {
  if (typeof command !== 'string')
    throw new IncorrectArgumentTypeError(`runBash: command must be a string, got ${typeof command}.`);
  const vars = options?.variables;
  if (vars !== undefined && (typeof vars !== 'object' || vars === null || Array.isArray(vars)))
    throw new IncorrectArgumentTypeError('runBash: variables must be an object of strings.');
  for (const [k, v] of Object.entries(vars ?? {})) {
    if (typeof v !== 'string')
      throw new IncorrectArgumentTypeError(`runBash: the value of variable '${k}' must be a string, got ${typeof v}.`);
  }
  if (options?.check !== undefined && typeof options.check !== 'boolean')
    throw new IncorrectArgumentTypeError('runBash: check must be a boolean.');
  const pub = options?.publicVariables;
  if (pub !== undefined && (!Array.isArray(pub) || pub.some((n) => typeof n !== 'string')))
    throw new IncorrectArgumentTypeError('runBash: publicVariables must be an array of variable names.');
}

export function engineLibs(ctx: LibsContext): EngineLibs {
  return {
    async runBash(connection: RemoteConnection, command: string, options?: RunBashOptions) {
      checkRunBashArgs(command, options);
      const open = new Set(options?.publicVariables ?? []);
      for (const [name, v] of Object.entries(options?.variables ?? {})) if (!open.has(name)) ctx.redactor.addVariable(v);
      const { env, user } = resolveConnection(ctx.store, connection);
      const conn = await ctx.pool.get(sshTarget(env, user));
      // The command is logged; variables are not (their values are redacted wherever they appear).
      ctx.log.debug(`runBash on ${env.name} as ${user.name}: ${command}`, { variables: Object.keys(options?.variables ?? {}) });
      const res = await conn.runBash(command, options);
      ctx.log.debug(`runBash on ${env.name} exited ${res.exitCode}`);
      return res;
    },
    async runSync() {
      throw new LibraryError(
        'NOT_SUPPORTED',
        'runSync copies a DIRECT source into Delphix storage; this engine hosts STAGED plugins and has no ' +
          'dSource storage to sync into.',
      );
    },
    async retrieveCredentials(supplier: Record<string, unknown>): Promise<Credentials> {
      if (typeof supplier !== 'object' || supplier === null)
        throw new IncorrectArgumentTypeError('retrieveCredentials: the supplier must be an object.');
      if (supplier.type === 'environmentUser' && typeof supplier.reference === 'string') {
        const m = /^HOST_USER-(\d+)$/.exec(supplier.reference);
        const user = m ? ctx.store.environmentUser(Number(m[1])) : undefined;
        if (!user)
          throw new UserError(
            `retrieveCredentials: no environment user ${supplier.reference}.`,
            'Pass the reference of a user the engine gave the plugin.',
          );
        if (user.authKind === 'key') {
          const privateKey = readFileSync(user.keyFile!, 'utf8');
          ctx.redactor.addSecret(privateKey.trim());
          const pub = `${user.keyFile}.pub`;
          return { username: user.name, privateKey, ...(existsSync(pub) ? { publicKey: readFileSync(pub, 'utf8').trim() } : {}) };
        }
        return { username: user.name, password: passwordFrom(user.passwordEnv!, ctx.redactor) };
      }
      if (supplier.type === 'passwordEnv' && typeof supplier.variable === 'string') {
        return {
          username: typeof supplier.username === 'string' ? supplier.username : '',
          password: passwordFrom(supplier.variable, ctx.redactor),
        };
      }
      throw new UserError(
        'retrieveCredentials: unknown credentials supplier.',
        'Use { type: "environmentUser", reference: "HOST_USER-<n>" } or { type: "passwordEnv", variable: ' +
          '"NAME", username?: "..." }.',
      );
    },
    logger: ctx.log,
    reportProgress(report: ProgressReport) {
      if (typeof report?.message !== 'string') throw new IncorrectArgumentTypeError('reportProgress: message must be a string.');
      ctx.progress(report);
    },
  };
}

function passwordFrom(variable: string, redactor: Redactor): string {
  const value = process.env[variable];
  if (!value)
    throw new UserError(
      `The environment variable ${variable} holding a password is not set.`,
      `Export ${variable} before running hana-vdb.`,
    );
  redactor.addSecret(value);
  return value;
}
