/**
 * The contract between `hana-vdb`'s main and a command module. Commands that belong to another layer
 * (sim and demo in tools/, parse-backup-log in src/hana) are loaded by path at run time, so the static
 * import graph keeps flowing one way (docs/ARCHITECTURE.md): each such module exports `run(argv, ctx)`.
 *
 * A command throws UserError (src/sdk/errors) for anything the user can fix; main prints message and
 * action (stack only with --debug) and exits 1. Exit codes: 0 ok, 1 user error / failed job, 2 internal error,
 * other codes documented by the command (e.g. 3 = findings).
 */
export interface CliContext {
  /** --json: print exactly one JSON document on stdout, nothing else. */
  json: boolean;
  /** --debug: stack traces and debug logs. */
  debug: boolean;
  /** --data-dir / HANA_VDB_HOME / default ~/.hana-vdb, already resolved and absolute. */
  dataDir: string;
  /** Root of the installed hana-vdb package (where package.json, schemas/, plugin_config.yml live). */
  packageRoot: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** true when stdout and stderr are terminals and not --json (live progress), false for plain progress lines. */
  interactive: boolean;
}

export type CommandModule = {
  run(argv: string[], ctx: CliContext): Promise<number>;
};
