/** hdbsql's command line (docs/reference/hana-recovery.md §2.1): single-dash options, some with a value, then the statement. */

export interface HdbsqlOptions {
  instance?: string;
  server?: string;
  database?: string;
  user?: string;
  password?: string;
  key?: string;
  inputFile?: string;
  outputFile?: string;
  appendOutput: boolean;
  separator: string;
  fieldSeparator: string;
  multiLine: boolean;
  noHeader: boolean;
  noExtraOutput: boolean;
  noEscape: boolean;
  aligned: boolean;
  printCommands: boolean;
  quiet: boolean;
  errorExitCode?: number;
  version: boolean;
  help: boolean;
  statement?: string;
}

const WITH_VALUE: Record<string, keyof HdbsqlOptions | null> = {
  '-i': 'instance',
  '-n': 'server',
  '-d': 'database',
  '-u': 'user',
  '-p': 'password',
  '-U': 'key',
  '-I': 'inputFile',
  '-o': 'outputFile',
  '-O': 'outputFile',
  '-c': 'separator',
  '-F': 'fieldSeparator',
  '-E': 'errorExitCode',
  // accepted and ignored: connection properties, encodings, TLS material, byte limits
  '-Z': null,
  '-B': null,
  '-resultencoding': null,
  '-b': null,
  '-sslprovider': null,
  '-sslkeystore': null,
  '-ssltruststore': null,
  '-sslhostnameincert': null,
};
const FLAGS: Record<string, keyof HdbsqlOptions | null> = {
  '-m': 'multiLine',
  '-a': 'noHeader',
  '-x': 'noExtraOutput',
  '-C': 'noEscape',
  '-A': 'aligned',
  '-f': 'printCommands',
  '-fn': 'printCommands',
  '-quiet': 'quiet',
  '-v': 'version',
  '-h': 'help',
  '-h2': 'help',
  // accepted and ignored: paging off (never paged here), TLS switches (the simulator's wire is plain), prepared statements
  '-j': null,
  '-e': null,
  '-attemptencrypt': null,
  '-ssltrustcert': null,
  '-sslcreatecert': null,
  '-r': null,
  '-stdin': null,
};

export class UsageError extends Error {}

export function parseHdbsqlArgs(argv: string[]): HdbsqlOptions {
  const o: HdbsqlOptions = {
    appendOutput: false,
    separator: ';',
    fieldSeparator: ',',
    multiLine: false,
    noHeader: false,
    noExtraOutput: false,
    noEscape: false,
    aligned: false,
    printCommands: false,
    quiet: false,
    version: false,
    help: false,
  };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (rest.length === 0 && a in WITH_VALUE) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`Option ${a} needs an argument`);
      const field = WITH_VALUE[a];
      if (a === '-O') o.appendOutput = true;
      if (field === 'errorExitCode') {
        if (!/^\d+$/.test(v)) throw new UsageError(`Invalid exit code for -E: ${v}`);
        o.errorExitCode = Number(v);
      } else if (field) {
        (o as unknown as Record<string, unknown>)[field] = v;
      }
    } else if (rest.length === 0 && a in FLAGS) {
      const field = FLAGS[a];
      if (field) (o as unknown as Record<string, unknown>)[field] = true;
    } else if (rest.length === 0 && a.startsWith('-') && a.length > 1) {
      throw new UsageError(`Unknown option: ${a}`);
    } else {
      rest.push(a);
    }
  }
  if (rest.length) o.statement = rest.join(' ');
  if (o.statement && o.inputFile) throw new UsageError('Give either a statement or -I <file>, not both');
  return o;
}

export const HELP = `Usage: hdbsql [<options>] [<command>]
Options for connecting to the database:
-i <instance number>    instance number of the database engine
-n <server>[:<port>]    name of the host on which the database instance is installed
-d <database_name>      name of the database to connect
-u <user_name>          user name to connect
-p <password>           password to connect
-U <user_store_key>     use credentials from user store
Input and output options:
-I <file_name>          use file <file_name> to input queries
-c <separator>          statement separator for -I files (default: ';')
-o <file_name>          use file <file_name> for output (default: stdout)
-O <file_name>          same as -o, except append to file <file_name> if it already exists
-m                      activates the multi-line mode for query input
-quiet                  Do not print the welcome screen
Output format options:
-a                      no column header
-x                      suppress additional output, e.g. "n rows selected"
-C                      suppress escape output format (no quotes)
-F <separator>          field separator (default: ',')
-A                      aligned output
-j                      switch the page by page scroll output off
-f                      printout the SQL commands
General options:
-E <exit code>          exit with <exit code> on the first SQL error
-h                      this help
-v                      version information
`;
