/** One flag of a command, as its `--help` lists it. */
export interface FlagInfo {
  name: string;
  short?: string | undefined;
  /** The placeholder of a flag that takes a value (`FILE`, `ID`, …); undefined for a switch. */
  value?: string | undefined;
  help: string;
}

/** What completion knows about a command. */
export interface CommandInfo {
  name: string;
  summary: string;
  flags: FlagInfo[];
  /** Words completed as its first argument (`gloo config get|set|…`). */
  actions?: string[] | undefined;
}

/** The flags in a command's `--help` text (the layout `helpText` writes: `  -s, --system <TEXT>  help`). */
export function flagsFromHelp(help: string): FlagInfo[] {
  const flags: FlagInfo[] = [];
  for (const match of help.matchAll(/^ {2}(?:-(\w), )? *--([\w-]+)(?: <([^>]+)>)? {2,}(.*)$/gm)) {
    const [, short, name = "", value, text = ""] = match;
    // --help is offered for every command anyway.
    if (name !== "help") flags.push({ name, short, value, help: text.trim() });
  }
  return flags;
}

const takesFile = (flag: FlagInfo) => flag.value !== undefined && /FILE|DIR/.test(flag.value);

/** bash: `source <(gloo completion bash)`; flags after `-`, files otherwise (and after a FILE flag). */
export function bashScript(commands: CommandInfo[]): string {
  const cases = commands.map((command) => {
    const words = command.flags.flatMap((flag) => [
      `--${flag.name}`,
      ...(flag.short ? [`-${flag.short}`] : []),
    ]);
    const files = command.flags
      .filter(takesFile)
      .flatMap((flag) => [`--${flag.name}`, ...(flag.short ? [`-${flag.short}`] : [])]);
    const actions = command.actions?.join(" ") ?? "";
    return [
      `    ${command.name})`,
      files.length > 0
        ? `      case "$prev" in ${files.join("|")}) COMPREPLY=($(compgen -f -- "$cur")); return;; esac`
        : undefined,
      `      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "${words.join(" ")} --quiet --help" -- "$cur"));`,
      actions === ""
        ? undefined
        : `      elif [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W "${actions}" -- "$cur"));`,
      `      fi;;`,
    ]
      .filter((line) => line !== undefined)
      .join("\n");
  });
  return `# gloo completion for bash: source <(gloo completion bash), or save it in
# ~/.local/share/bash-completion/completions/gloo
_gloo() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${commands.map((command) => command.name).join(" ")} help --help --version" -- "$cur"))
    return
  fi
  case \${COMP_WORDS[1]} in
${cases.join("\n")}
  esac
}
complete -o default -F _gloo gloo
`;
}

const zshText = (text: string) => text.replace(/([[\]:\\])/g, "\\$1").replace(/'/g, "'\\''");

/** zsh: `source <(gloo completion zsh)`, or save as `_gloo` in a directory of `$fpath`. */
export function zshScript(commands: CommandInfo[]): string {
  const described = commands.map((command) => `    '${command.name}:${zshText(command.summary)}'`);
  const cases = commands.map((command) => {
    const specs = command.flags.map((flag) => {
      const value =
        flag.value === undefined ? "" : `:${flag.value.toLowerCase()}:${takesFile(flag) ? "_files" : " "}`;
      const body = `[${zshText(flag.help)}]${value}`;
      return flag.short === undefined
        ? `'--${flag.name}${body}'`
        : `'(-${flag.short} --${flag.name})'{-${flag.short},--${flag.name}}'${body}'`;
    });
    const rest =
      command.actions === undefined
        ? "'*:file:_files'"
        : `'1:action:(${command.actions.join(" ")})' '*:file:_files'`;
    const quiet = "'--quiet[results and errors only]'";
    return `    ${command.name}) _arguments -s ${[...specs, quiet, rest].join(" \\\n        ")} ;;`;
  });
  return `#compdef gloo
# gloo completion for zsh: source <(gloo completion zsh), or save as _gloo in a directory of $fpath
_gloo() {
  local -a commands
  commands=(
${described.join("\n")}
  )
  if (( CURRENT == 2 )); then
    _describe 'gloo command' commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case $words[1] in
${cases.join("\n")}
  esac
}
compdef _gloo gloo
`;
}

const fishText = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** fish: `gloo completion fish | source`, or save as `~/.config/fish/completions/gloo.fish`. */
export function fishScript(commands: CommandInfo[]): string {
  const lines = [
    "# gloo completion for fish: gloo completion fish | source",
    "complete -c gloo -f",
    "complete -c gloo -n 'not __fish_use_subcommand' -l quiet -d 'results and errors only'",
  ];
  for (const command of commands)
    lines.push(
      `complete -c gloo -n __fish_use_subcommand -a ${command.name} -d ${fishText(command.summary)}`,
    );
  for (const command of commands) {
    const when = `-n '__fish_seen_subcommand_from ${command.name}'`;
    if (command.actions !== undefined)
      lines.push(`complete -c gloo ${when} -a ${fishText(command.actions.join(" "))}`);
    for (const flag of command.flags) {
      const short = flag.short === undefined ? "" : ` -s ${flag.short}`;
      const value = flag.value === undefined ? "" : takesFile(flag) ? " -F" : " -x";
      lines.push(`complete -c gloo ${when} -l ${flag.name}${short}${value} -d ${fishText(flag.help)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
