/**
 * `hana-vdb completion bash|zsh`: a completion script generated from the command tree, so it never lists a command
 * the CLI does not have. zsh loads the same function through bashcompinit (shipped with zsh).
 */
import type { Command } from 'commander';
import { UserError } from '../../sdk/errors.js';
import { ARG_CHOICES, GLOBAL_OPTIONS, walk } from './program.js';

const quote = (words: string[]) => `'${words.join(' ')}'`;

/** The words after "hana-vdb" that lead to cmd ('' for the root). */
function keyOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function cases(program: Command, wordsOf: (c: Command) => string[]): string {
  const lines: string[] = [];
  for (const cmd of walk(program)) {
    const words = wordsOf(cmd);
    const keys = [keyOf(cmd), ...cmd.aliases().map((a) => `${keyOf(cmd.parent!)} ${a}`.trim())];
    for (const k of keys) lines.push(`    '${k}') echo ${quote(words)} ;;`);
  }
  return lines.join('\n');
}

function longFlags(cmd: Command, withValue: boolean | null): string[] {
  const all = cmd.options.filter((o) => withValue === null || (o.required || o.optional) === withValue);
  return all.map((o) => o.long).filter((l): l is string => Boolean(l));
}

export function bashScript(program: Command): string {
  const globals = GLOBAL_OPTIONS.map((o) => o.flags.split(' ')[0]!);
  const valued = [...new Set(walk(program).flatMap((c) => longFlags(c, true)))];
  const words = (c: Command) => [...c.commands.flatMap((s) => [s.name(), ...s.aliases()]), ...(ARG_CHOICES.get(c) ?? [])];
  return `# hana-vdb completion for bash. Load it with: source <(hana-vdb completion bash)
_hana_vdb_words() {
  case "$1" in
${cases(program, words)}
  esac
}
_hana_vdb_options() {
  case "$1" in
${cases(program, (c) => [...longFlags(c, null), '--help', ...globals])}
  esac
}
_hana_vdb() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" node="" next w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    next="\${node:+$node }$w"
    [[ -n "$(_hana_vdb_options "$next")" ]] && node="$next"
  done
  case "$prev" in
    ${[...valued, '--data-dir', '--plugin-dir'].join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_hana_vdb_options "$node")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_hana_vdb_words "$node")" -- "$cur"))
  fi
}
complete -o default -F _hana_vdb hana-vdb
`;
}

export function completionScript(shell: string | undefined, program: Command): string {
  if (shell === 'bash') return bashScript(program);
  if (shell === 'zsh') {
    return `#compdef hana-vdb
# hana-vdb completion for zsh. Load it with: source <(hana-vdb completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(program)}`;
  }
  throw new UserError(`Unknown shell '${shell}'.`, 'Use hana-vdb completion bash or hana-vdb completion zsh.');
}
