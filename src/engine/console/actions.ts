/**
 * The console's state-changing calls: each request body is checked field by field (a 400 names the field
 * and the fix; parameters go through the plugin's schema with the engine's Ajv, defaults filled in as the
 * form showed them), then the engine workflow runs as a job that the page follows.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { PluginSchema } from '../../sdk/schema.js';
import type { Engine } from '../engine.js';
import { FINGERPRINT } from '../ssh/host-key.js';
import type { Json } from '../store/types.js';
import { addEnvironment, deleteEnvironment, discoverEnvironment } from '../workflows/environment.js';
import { checkDSource } from '../workflows/dsource-check.js';
import { deleteDSource, disableDSource, enableDSource, linkDSource, syncDSource } from '../workflows/dsource.js';
import {
  deleteVdb,
  disableVdb,
  enableVdb,
  provisionVdb,
  refreshVdb,
  rewindVdb,
  snapshotVdb,
  startVdb,
  stopVdb,
} from '../workflows/vdb.js';
import { fieldProblems, secretFields, type FormDefinition } from './forms.js';
import { HttpError } from './http.js';
import type { JobTracker, Started } from './jobs.js';

type Body = Record<string, unknown>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const HOST = /^[A-Za-z0-9.:-]+$/;
const USER = /^[a-z_][a-z0-9_.-]*\$?$/i;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function badField(field: string, message: string, fix: string): HttpError {
  return new HttpError(400, `${field}: ${message}`, fix, [{ field, path: `$.${field}`, message, fix }]);
}

function text(body: Body, field: string, required = true): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw badField(field, 'is required but missing', `Fill in ${field}.`);
    return undefined;
  }
  if (typeof v !== 'string') throw badField(field, `must be a string, got ${typeof v}`, `Send ${field} as text.`);
  return v;
}

function objectName(body: Body, kind: string): string {
  const name = text(body, 'name')!;
  if (!NAME.test(name))
    throw badField(
      'name',
      `'${name}' is not a valid ${kind} name`,
      'Use 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
    );
  return name;
}

function snapshotId(body: Body, required: boolean): number | undefined {
  const v = body.snapshotId;
  if (v === undefined || v === null || v === '') {
    if (required) throw badField('snapshotId', 'is required but missing', 'Pick a snapshot.');
    return undefined;
  }
  const n = typeof v === 'string' && /^[1-9]\d*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw badField(
      'snapshotId',
      `${JSON.stringify(v)} is not a snapshot ID`,
      'Snapshot IDs are positive integers; pick one from the list.',
    );
  return n;
}

/** Deleting needs the object's name repeated: the page asks for it in its confirmation dialog. */
function confirmed(body: Body, name: string): void {
  if (body.confirm !== name)
    throw badField('confirm', `must repeat the name '${name}' to confirm the deletion`, `Send "confirm": "${name}".`);
}

export class Actions {
  constructor(
    private readonly engine: Engine,
    private readonly schema: PluginSchema,
    private readonly jobs: JobTracker,
  ) {}

  /** Parameters of `definition`: defaults filled in, checked with the engine's schema; secrets registered for redaction. */
  parameters(value: unknown, definition: FormDefinition): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw badField('parameters', 'must be a JSON object', `Send the ${definition} fields as one object.`);
    }
    const filled = this.schema.withDefaults(definition, value as Json);
    const problems = fieldProblems(this.schema.check(definition, filled));
    if (problems.length) {
      throw new HttpError(
        400,
        `The ${definition} is not valid: ${problems.map((p) => `${p.field || p.path}: ${p.message}`).join('; ')}.`,
        problems.map((p) => p.fix).join(' '),
        problems,
      );
    }
    for (const f of secretFields(this.schema, definition)) {
      if (typeof filled[f] === 'string') this.engine.redactor.addSecret(filled[f] as string);
    }
    return filled;
  }

  private run(workflow: () => Promise<unknown>): Promise<Started> {
    return this.jobs.start(workflow);
  }

  addEnvironment(body: Body): Promise<Started> {
    const name = objectName(body, 'environment');
    const host = text(body, 'host')!;
    if (!HOST.test(host)) throw badField('host', `'${host}' is not a host name or address`, 'Use a DNS name or an IP address.');
    const portValue = body.port;
    const port = typeof portValue === 'string' && /^\d+$/.test(portValue) ? Number(portValue) : portValue;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
      throw badField('port', `${JSON.stringify(portValue)} is not a TCP port`, 'Use a number from 1 to 65535.');
    const user = text(body, 'user')!;
    if (!USER.test(user)) throw badField('user', `'${user}' is not a valid user name`, 'Use the OS user name on the host.');
    const keyFile = text(body, 'keyFile', false);
    const passwordEnv = text(body, 'passwordEnv', false);
    if ((keyFile === undefined) === (passwordEnv === undefined))
      throw badField(
        'keyFile',
        'give exactly one of a key file or a password environment variable',
        'Fill in the key file, or the name of the variable holding the password.',
      );
    if (keyFile !== undefined && (!isAbsolute(keyFile) || !existsSync(keyFile)))
      throw badField(
        'keyFile',
        `${keyFile} does not exist on the engine host`,
        'Give the absolute path of the private key file of the user.',
      );
    if (passwordEnv !== undefined && !ENV_VAR.test(passwordEnv)) {
      throw badField(
        'passwordEnv',
        `takes the NAME of an environment variable of the engine process, and '${passwordEnv}' is not one`,
        'Export the password in a variable before starting the console (export HANA_PW=...) and ' +
          'give HANA_PW; never the password itself.',
      );
    }
    const hostKey = text(body, 'hostKey', false);
    const acceptNew = body.acceptNew === true;
    if (hostKey !== undefined && !FINGERPRINT.test(hostKey))
      throw badField(
        'hostKey',
        `'${hostKey}' is not a SHA256 fingerprint`,
        'Use the form printed by ssh-keygen -lf KEY.pub, e.g. SHA256:AbC... (43 characters after the colon).',
      );
    if (hostKey !== undefined && acceptNew)
      throw badField(
        'acceptNew',
        'a pinned host key cannot be combined with accepting a new one',
        'Either pin the fingerprint or accept the key on first use.',
      );
    const scratchPath = text(body, 'scratchPath', false);
    if (scratchPath !== undefined && !scratchPath.startsWith('/'))
      throw badField('scratchPath', `'${scratchPath}' is not absolute`, 'Use an absolute path on the host.');
    return this.run(() =>
      addEnvironment(this.engine, {
        name,
        address: host,
        port,
        hostKeyFingerprint: hostKey ?? null,
        knownHostsFile: hostKey ? null : resolve(join(this.engine.dataDir, 'known_hosts')),
        acceptNew,
        ...(scratchPath ? { scratchPath } : {}),
        user: { name: user, authKind: keyFile ? 'key' : 'password', keyFile: keyFile ?? null, passwordEnv: passwordEnv ?? null },
      }),
    );
  }

  discover(name: string): Promise<Started> {
    return this.run(() => discoverEnvironment(this.engine, name));
  }

  deleteEnvironment(name: string, body: Body): Promise<Started> {
    confirmed(body, name);
    return this.run(() => deleteEnvironment(this.engine, name));
  }

  link(body: Body): Promise<Started> {
    const name = objectName(body, 'dSource');
    const environment = text(body, 'environment')!;
    const repository = text(body, 'repository')!;
    const sourceConfig = text(body, 'sourceConfig')!;
    const parameters = this.parameters(body.parameters ?? {}, 'linkedSourceDefinition');
    return this.run(() => linkDSource(this.engine, { name, environment, repository, sourceConfig, parameters }));
  }

  sync(name: string, body: Body): Promise<Started> {
    const parameters = this.parameters(body.parameters ?? {}, 'snapshotParametersDefinition');
    return this.run(() => syncDSource(this.engine, name, parameters));
  }

  dsource(name: string, verb: string, body: Body): Promise<Started> {
    switch (verb) {
      case 'sync':
        return this.sync(name, body);
      case 'enable':
        return this.run(() => enableDSource(this.engine, name));
      case 'disable':
        return this.run(() => disableDSource(this.engine, name));
      case 'check':
        return this.check(name, body);
      default:
        throw new HttpError(404, `Unknown dSource action '${verb}'.`, 'Use sync, check, enable or disable.');
    }
  }

  /**
   * `dsource check` from the target of one of its VDBs (`vdb`), or where its VDBs are when none is named; the
   * report is kept for the job's page.
   */
  check(name: string, body: Body): Promise<Started> {
    const vdb = text(body, 'vdb', false);
    if (vdb !== undefined && !NAME.test(vdb)) throw badField('vdb', `'${vdb}' is not a VDB name`, 'Pick one of the listed VDBs.');
    return this.jobs.start(() => checkDSource(this.engine, { dsource: name, ...(vdb === undefined ? {} : { vdb }) }), true);
  }

  deleteDSource(name: string, body: Body): Promise<Started> {
    confirmed(body, name);
    return this.run(() => deleteDSource(this.engine, name));
  }

  provision(body: Body): Promise<Started> {
    const name = objectName(body, 'VDB');
    const id = snapshotId(body, true)!;
    const environment = text(body, 'environment')!;
    const repository = text(body, 'repository')!;
    const parameters = this.parameters(body.parameters ?? {}, 'virtualSourceDefinition');
    return this.run(() => provisionVdb(this.engine, { name, snapshotId: id, environment, repository, parameters }));
  }

  vdb(name: string, verb: string, body: Body): Promise<Started> {
    switch (verb) {
      case 'refresh': {
        const id = snapshotId(body, false);
        return this.run(() => refreshVdb(this.engine, name, id));
      }
      case 'rewind': {
        const id = snapshotId(body, true)!;
        return this.run(() => rewindVdb(this.engine, name, id));
      }
      case 'snapshot':
        return this.run(() => snapshotVdb(this.engine, name));
      case 'start':
        return this.run(() => startVdb(this.engine, name));
      case 'stop':
        return this.run(() => stopVdb(this.engine, name));
      case 'enable':
        return this.run(() => enableVdb(this.engine, name));
      case 'disable':
        return this.run(() => disableVdb(this.engine, name));
      default:
        throw new HttpError(404, `Unknown VDB action '${verb}'.`, 'Use refresh, rewind, snapshot, start, stop, enable or disable.');
    }
  }

  deleteVdb(name: string, body: Body): Promise<Started> {
    confirmed(body, name);
    if (body.force !== undefined && typeof body.force !== 'boolean')
      throw badField('force', 'must be true or false', 'Send "force": true to remove the VDB even when the plugin fails.');
    const force = body.force === true;
    return this.run(() => deleteVdb(this.engine, name, force));
  }
}
