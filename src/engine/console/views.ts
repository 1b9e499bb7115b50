/**
 * What the console's GET endpoints return: store rows joined the way the pages show them, with every
 * plugin-defined object stripped of its secret (format "password") properties.
 */
import type { DefinitionName, PluginSchema } from '../../sdk/schema.js';
import type { Engine } from '../engine.js';
import type { DSourceRow, EnvironmentRow, Json, RecoveryHistoryRow, SnapshotRow, VdbRow } from '../store/types.js';
import { withoutSecrets } from './forms.js';
import { HttpError } from './http.js';
import type { JobTracker } from './jobs.js';

export class Views {
  constructor(
    private readonly engine: Engine,
    private readonly schema: PluginSchema,
    private readonly jobs: JobTracker,
  ) {}

  private clean(definition: DefinitionName, value: Json | null): Json | null {
    return value === null ? null : withoutSecrets(this.schema, definition, value).value;
  }

  private params(definition: DefinitionName, value: Json): { parameters: Json; secretsSet: string[] } {
    const r = withoutSecrets(this.schema, definition, value);
    return { parameters: r.value, secretsSet: r.secretsSet };
  }

  private get store() {
    return this.engine.store;
  }

  private environmentSummary(e: EnvironmentRow) {
    return {
      ...e,
      repositories: this.store.repositories(e.name).filter((r) => r.present).length,
      sourceConfigs: this.store.sourceConfigs({ environmentName: e.name }).filter((s) => s.present).length,
    };
  }

  environments() {
    return { environments: this.store.environments().map((e) => this.environmentSummary(e)) };
  }

  environment(name: string) {
    const env = this.store.environment(name);
    if (!env) throw new HttpError(404, `No environment named '${name}'.`, 'See the Environments page.');
    return {
      environment: this.environmentSummary(env),
      users: this.store.environmentUsers(env.id).map((u) => ({
        name: u.name,
        reference: u.reference,
        authKind: u.authKind,
        keyFile: u.keyFile,
        passwordEnv: u.passwordEnv,
      })),
      repositories: this.store.repositories(env.name).map((r) => ({ ...r, object: this.clean('repositoryDefinition', r.object) })),
      sourceConfigs: this.store
        .sourceConfigs({ environmentName: env.name })
        .map((s) => ({ ...s, object: this.clean('sourceConfigDefinition', s.object) })),
    };
  }

  private snapshot(s: SnapshotRow) {
    return { ...s, metadata: this.clean('snapshotDefinition', s.metadata) };
  }

  private dsourceRow(d: DSourceRow) {
    return { ...d, ...this.params('linkedSourceDefinition', d.parameters) };
  }

  dsources() {
    return {
      dsources: this.store.dsources().map((d) => {
        const latest = this.store.latestDSourceSnapshot(d.id);
        return {
          ...this.dsourceRow(d),
          snapshots: this.store.snapshots({ dsourceName: d.name, kind: 'dsource' }).length,
          latestSnapshot: latest ? this.snapshot(latest) : null,
        };
      }),
    };
  }

  dsource(name: string) {
    const d = this.store.dsource(name);
    if (!d) throw new HttpError(404, `No dSource named '${name}'.`, 'See the dSources page.');
    return {
      dsource: this.dsourceRow(d),
      snapshots: this.store.snapshots({ dsourceName: d.name, kind: 'dsource' }).map((s) => this.snapshot(s)),
      vdbs: this.store.vdbsOfDSource(d.id).map((v) => ({ name: v.name, status: v.status, currentSnapshotId: v.currentSnapshotId })),
      jobs: this.store.jobs({ objectType: 'dsource', objectName: d.name, limit: 20 }),
    };
  }

  private vdbRow(v: VdbRow) {
    return {
      ...v,
      ...this.params('virtualSourceDefinition', v.parameters),
      sourceConfig: this.clean('sourceConfigDefinition', v.sourceConfig),
    };
  }

  vdbs() {
    return { vdbs: this.store.vdbs().map((v) => this.vdbRow(v)) };
  }

  private history(h: RecoveryHistoryRow) {
    return { ...h, metadata: this.clean('snapshotDefinition', h.metadata) };
  }

  vdb(name: string) {
    const v = this.store.vdb(name);
    if (!v) throw new HttpError(404, `No VDB named '${name}'.`, 'See the VDBs page.');
    return {
      vdb: this.vdbRow(v),
      snapshots: this.store.snapshots({ vdbName: v.name }).map((s) => this.snapshot(s)),
      dsourceSnapshots: this.store.snapshots({ dsourceName: v.dsourceName, kind: 'dsource' }).map((s) => this.snapshot(s)),
      history: this.store.recoveryHistory(v.name).map((h) => this.history(h)),
      jobs: this.store.jobs({ objectType: 'vdb', objectName: v.name, limit: 20 }),
    };
  }

  jobList(limit: number) {
    return { jobs: this.store.jobs({ limit }) };
  }

  job(id: number) {
    const job = this.store.job(id);
    if (!job) throw new HttpError(404, `No job with ID ${id}.`, 'See the Jobs page.');
    return { job, progress: this.jobs.progressOf(id), log: this.store.jobLog(id), result: this.jobs.resultOf(id) };
  }
}
