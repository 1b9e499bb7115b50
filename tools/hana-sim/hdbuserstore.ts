/**
 * The simulator's hdbuserstore: `SET <KEY> <host:port[@DB]> <user> [<password>]` (with -i the password is
 * read from stdin and never appears in argv), `LIST [<KEY> ...]`, `DELETE <KEY>`; keys per OS user.
 */
import { readUserStore, splitEnv, userStoreFiles, writeUserStore } from './userstore.js';

export interface UserStoreIo {
  root: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
}

const USAGE = `Usage: hdbuserstore [options] command [arguments]
Options:
  -i          interactive mode: the password is read from stdin
  -h          help
Commands:
  SET <KEY> <ENV> <USERNAME> [<PASSWORD>]   ENV = <host>:<port>[;<host>:<port>...][@<DATABASE>]
  LIST [<KEY> ...]
  DELETE <KEY>
`;

export async function runHdbuserstore(argv: string[], io: UserStoreIo): Promise<number> {
  let interactive = false;
  const args: string[] = [];
  for (const a of argv) {
    if (args.length === 0 && a === '-i') interactive = true;
    else if (args.length === 0 && (a === '-h' || a === '-H' || a === '--help')) {
      io.stdout(USAGE);
      return 0;
    } else if (args.length === 0 && a.startsWith('-')) {
      io.stderr(`Invalid option ${a}\n${USAGE}`);
      return 2;
    } else args.push(a);
  }
  const [command, ...rest] = args;
  const keys = readUserStore(io.root);
  switch ((command ?? '').toUpperCase()) {
    case 'SET': {
      const [name, envText, user, password] = rest;
      if (!name || !envText || !user || rest.length > 4) {
        io.stderr(`Invalid arguments for SET\n${USAGE}`);
        return 2;
      }
      let pw = password;
      if (pw === undefined) {
        if (!interactive) {
          io.stderr('No password given: pass it as the last argument or use -i and give it on stdin\n');
          return 2;
        }
        pw = (await io.readStdin()).split('\n')[0]!.replace(/\r$/, '');
      }
      const { env, database } = splitEnv(envText);
      if (!/^[^:;\s]+:\d+(;[^:;\s]+:\d+)*$/.test(env)) {
        io.stderr(`Invalid ENV "${envText}": use <host>:<port>[@<DATABASE>]\n`);
        return 2;
      }
      keys[name.toUpperCase()] = {
        env,
        user: user.toUpperCase(),
        password: pw,
        ...(database ? { database: database.toUpperCase() } : {}),
      };
      writeUserStore(io.root, keys);
      return 0;
    }
    case 'LIST': {
      const files = userStoreFiles(io.root);
      const wanted = rest.length ? rest.map((k) => k.toUpperCase()) : Object.keys(keys).sort();
      let text = `DATA FILE       : ${files.data}\nKEY FILE        : ${files.key}\n`;
      for (const k of wanted) {
        const v = keys[k];
        if (!v) {
          io.stdout(text);
          io.stderr(`KEY ${k} NOT FOUND\n`);
          return 1;
        }
        text += `\nKEY ${k}\n  ENV : ${v.env}\n  USER: ${v.user}\n${v.database ? `  DATABASE: ${v.database}\n` : ''}`;
      }
      io.stdout(text);
      return 0;
    }
    case 'DELETE': {
      const [name] = rest;
      if (!name || rest.length !== 1) {
        io.stderr(`Invalid arguments for DELETE\n${USAGE}`);
        return 2;
      }
      if (!keys[name.toUpperCase()]) {
        io.stderr(`KEY ${name.toUpperCase()} NOT FOUND\n`);
        return 1;
      }
      delete keys[name.toUpperCase()];
      writeUserStore(io.root, keys);
      return 0;
    }
    default:
      io.stderr(`Invalid command ${command ?? ''}\n${USAGE}`);
      return 2;
  }
}
