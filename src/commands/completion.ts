/**
 * Completion scripts for typing mimt's executables directly (`kubectl-mimt ls <Tab>`). Each asks
 * `kubectl-mimt __complete` (the protocol kubectl_complete-mimt answers for kubectl) and only turns
 * its lines into the shell's candidates, so the shells never disagree with kubectl's own completion.
 */
import { type Document, textLines } from '../output/result.ts';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionOptions {
  shell: Shell;
  /** The suite's commands: each has its own executable, kubectl-mimt-<command>. */
  commands: string[];
}

const DISPATCHER = 'kubectl-mimt';

function bash(executables: string[]): string {
  return `# bash completion for mimt's executables. Load it with: source <(kubectl mimt completion bash)
_kubectl_mimt_complete() {
    local line=\${COMP_LINE:0:COMP_POINT} entry cur directive=0
    local -a words lines sub=()
    read -ra words <<<"$line"
    [[ -z $line || $line == *[[:space:]] ]] && words+=("")
    entry=\${words[0]##*/}
    [[ $entry == ${DISPATCHER}-* ]] && sub=("\${entry#${DISPATCHER}-}")
    mapfile -t lines < <(${DISPATCHER} __complete "\${sub[@]}" "\${words[@]:1}" 2>/dev/null)
    if (( \${#lines[@]} )) && [[ \${lines[-1]} == :* ]]; then
        directive=\${lines[-1]#:}
        unset 'lines[-1]'
    fi
    # bash completes the part after "=" as a word of its own, and the candidates are values only.
    cur=\${words[-1]}
    [[ $cur == *=* ]] && cur=\${cur#*=}
    COMPREPLY=()
    for entry in "\${lines[@]}"; do
        entry=\${entry%%$'\\t'*}
        [[ $entry == "$cur"* ]] && COMPREPLY+=("$entry")
    done
    if (( \${#COMPREPLY[@]} == 0 && (directive & 4) == 0 )); then
        compopt -o default
    fi
}
complete -F _kubectl_mimt_complete ${executables.join(' ')}
`;
}

function zsh(executables: string[]): string {
  return `#compdef ${executables.join(' ')}
# zsh completion for mimt's executables. Load it with: source <(kubectl mimt completion zsh)
_kubectl_mimt_complete() {
    local -a lines candidates sub
    local directive=0 line value entry=\${words[1]:t}
    [[ $entry == ${DISPATCHER}-* ]] && sub=(\${entry#${DISPATCHER}-})
    lines=("\${(@f)$(${DISPATCHER} __complete $sub "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
    if [[ \${lines[-1]} == :* ]]; then
        directive=\${lines[-1]#:}
        lines[-1]=()
    fi
    for line in $lines; do
        [[ -z $line ]] && continue
        # _describe reads "value:description", so a colon inside the value is escaped.
        value=\${line%%$'\\t'*}
        value=\${value//:/\\\\:}
        if [[ $line == *$'\\t'* ]]; then
            candidates+=("$value:\${line#*$'\\t'}")
        else
            candidates+=("$value")
        fi
    done
    # The candidates for --flag=value are values only, as for bash.
    [[ \${words[CURRENT]} == -*=* ]] && compset -P '*='
    if (( \${#candidates} )); then
        _describe -t mimt 'mimt' candidates
    elif (( (directive & 4) == 0 )); then
        _files
    fi
}
compdef _kubectl_mimt_complete ${executables.join(' ')}
`;
}

function fish(executables: string[]): string {
  const registrations = executables.map((e) => `complete -c ${e} -f -a '(__kubectl_mimt_complete)'`).join('\n');
  return `# fish completion for mimt's executables. Load it with: kubectl mimt completion fish | source
function __kubectl_mimt_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l entry (basename -- $words[1])
    set -l sub
    string match -q -- '${DISPATCHER}-*' $entry; and set sub (string replace -- '${DISPATCHER}-' '' $entry)
    set -l lines (${DISPATCHER} __complete $sub $words[2..-1] 2>/dev/null)
    set -l directive 0
    if string match -q -- ':*' $lines[-1]
        set directive (string sub -s 2 -- $lines[-1])
        set -e lines[-1]
    end
    # fish replaces the whole word, so a --flag=value candidate keeps its --flag= part.
    set -l prefix (string match -r -- '^-[^=]*=' (commandline -ct))
    for line in $lines
        printf '%s%s\\n' "$prefix" $line
    end
    if test (count $lines) -eq 0; and test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path (commandline -ct)
    end
end
${registrations}
`;
}

export function completionScript(options: CompletionOptions): Document {
  const executables = [DISPATCHER, ...options.commands.map((c) => `${DISPATCHER}-${c}`)];
  const script = { bash, zsh, fish }[options.shell](executables);
  return {
    type: 'document',
    document: { shell: options.shell, script },
    text: textLines(script),
  };
}
