// Programs about OpenClaw and the guard itself: network clients aimed at the gateway, aliases
// and `hash -p` bound to the CLI, and openclaw-guard's own commands that would switch it off.
import { CLI_NAME_WORD } from "../command-specs.js";
import { mentionsGateway } from "../code-signals.js";
import { isStatic, type ShellWord } from "../shell-words.js";
import type { Analyser, Handler, HandlerTable, Site } from "./types.js";
import { NETWORK_CLIENTS } from "../command-specs.js";

/** The gateway's read-only health endpoints, fetched without a body, headers or credentials. */
const HEALTH_URL = /^(https?:\/\/)?(127\.0\.0\.1|localhost|\[::1\]):18789\/(health|healthz|ready|readyz)\/?$/;
const SENDS = /^(-[A-Za-z]*[dFHTXuKEb]|--(data\S*|json|form\S*|header|request|upload-file|user|config|cert|cookie|post-\S+|body-\S+|method|header\S*)(=.*)?)$/;
/** Options whose value is a file of URLs or of more options (`wget -i`, `curl -K`, `aria2c -i`). */
const URL_FILES = /^(-i|--input-file|-K|--config)$/;

/**
 * `nc -z 127.0.0.1 18789`, `nc -zv localhost 18789`: netcat's zero-I/O mode connects and closes, it
 * sends nothing (not even its stdin); only the plain form counts: no program to run, no other option.
 */
function portProbe(args: readonly ShellWord[]): boolean {
  const options = args.filter((x) => x.text.startsWith("-")).map((x) => x.text);
  return options.some((option) => /^-[vnz]*z[vnz]*$/.test(option)) && options.every((option) => /^-[vnz46]+$|^-w$/.test(option)) && args.every((x) => /^[\w.:[\]-]+$/.test(x.text));
}

/** curl's URL globs: `{a,b}` alternatives and `[1-9]`/`[a-z]` ranges, expanded (capped) as curl does. */
export function curlGlobExpansions(url: string, limit = 64): string[] {
  const brace = /\{([^{}]*)\}/.exec(url);
  const range = /\[([0-9]+|[a-zA-Z])-([0-9]+|[a-zA-Z])(?::\d+)?\]/.exec(url);
  const first = brace && (!range || brace.index < range.index) ? brace : range;
  if (!first) return [url];
  let items: string[];
  if (first === brace) items = (brace[1] ?? "").split(",");
  else {
    const [from = "", to = ""] = [range?.[1], range?.[2]];
    const numeric = /^\d+$/.test(from);
    const start = numeric ? Number(from) : from.charCodeAt(0);
    const end = numeric ? Number(to) : to.charCodeAt(0);
    items = [];
    for (let k = start; k <= end && items.length < limit; k++) items.push(numeric ? String(k).padStart(from.length, "0") : String.fromCharCode(k));
  }
  const expanded: string[] = [];
  for (const item of items.slice(0, limit)) {
    for (const rest of curlGlobExpansions(url.slice(0, first.index) + item + url.slice(first.index + first[0].length), limit)) {
      if (expanded.length >= limit) return expanded;
      expanded.push(rest);
    }
  }
  return expanded;
}

/** A network client's handler; `netcat` also knows the zero-I/O port probe. */
const network = (netcat: boolean): Handler => (a, args, site) => {
  // `curl -F f=@~/.openclaw/openclaw.json URL`, `curl -T FILE`, `wget --post-file=FILE`: an upload is a copy of the file.
  args.forEach((x, k) => {
    const upload = /^(-T|--upload-file)$/.test(args[k - 1]?.text ?? "") ? x.text : /^--(post|body)-file=/.test(x.text) ? x.text.slice(x.text.indexOf("=") + 1) : /(?:^|=)[@<]([^;]+)/.exec(x.text)?.[1];
    if (upload !== undefined && upload !== "-") a.checkCopySource(upload);
  });
  // `curl 'http://127.0.0.1:1878{9}/hooks/agent'`: curl expands the glob into the gateway's port.
  if (!args.some((x) => x.text === "-g" || x.text === "--globoff")) {
    const globbed = args.find((x) => /[{[]/.test(x.text) && curlGlobExpansions(x.text).some((url) => mentionsGateway(url) && !HEALTH_URL.test(url)));
    if (globbed !== undefined) a.deny("The command talks to the OpenClaw gateway directly (through a URL glob).");
  }
  args.forEach((x, k) => {
    const file = URL_FILES.test(x.text) ? args[k + 1]?.text : /^--(input-file|config)=/.test(x.text) ? x.text.slice(x.text.indexOf("=") + 1) : /^-[iK]./.test(x.text) ? x.text.slice(2) : undefined;
    if (file === undefined) return;
    const read = file === "-" ? a.stdinOf(site) : a.fileText(file);
    const text = read === undefined || !isStatic(read) ? undefined : read;
    if (text === undefined) a.deny(`The command reads its URLs or options from ${file}, which cannot be read here, so it cannot be checked.`);
    else if (mentionsGateway(text)) a.deny(`The command talks to the OpenClaw gateway directly (through ${file}).`);
  });
  const aimed = args.filter((x) => mentionsGateway(x.text));
  if (aimed.length === 0 && !mentionsGateway(site.scope.source)) return;
  // `curl -s http://127.0.0.1:18789/health`: a plain GET of a health endpoint reads a status, nothing else.
  const health = (aimed.length > 0 && aimed.every((x) => HEALTH_URL.test(x.text)) && !args.some((x) => SENDS.test(x.text))) || (netcat && portProbe(args));
  const elsewhere = aimed.reduce((text, x) => text.replace(x.text, ""), site.scope.source);
  if (!health || mentionsGateway(elsewhere)) a.deny("The command talks to the OpenClaw gateway directly.");
};

function alias(a: Analyser, args: readonly ShellWord[]): void {
  if (args.some((x) => CLI_NAME_WORD.test(x.text))) a.deny("The alias points at the OpenClaw CLI.");
}

function hash(a: Analyser, args: readonly ShellWord[], site: Site): void {
  if (args.some((x) => x.text === "-p") && (args.some((x) => CLI_NAME_WORD.test(x.text)) || site.scope.mentionsOpenclaw)) {
    a.deny("hash -p binds a name to the OpenClaw CLI.");
  }
}

const CONFIG_LOCATION_VARIABLES = ["OPENCLAW_GUARD_CONFIG", "XDG_CONFIG_HOME", "HOME"];

/** `--config F` or $OPENCLAW_GUARD_CONFIG (or $XDG_CONFIG_HOME, $HOME) set for this command (by assignment, or earlier in the same text). */
function choosesConfig(words: readonly string[], site: Site): boolean {
  // The config's default location follows $XDG_CONFIG_HOME and $HOME: changing either picks another book too.
  const assigned = CONFIG_LOCATION_VARIABLES.some(
    (name) => site.assigned?.includes(name) === true || site.node.namedChildren.some((c) => c?.type === "variable_assignment" && c.childForFieldName("name")?.text === name),
  );
  return assigned || CONFIG_LOCATION_VARIABLES.some((name) => site.scope.words.lookupVariable(name) !== undefined) || words.some((w) => w === "--config" || w.startsWith("--config="));
}

/**
 * openclaw-guard's own commands (by name, or `node <its resolved cli.js>`): everything passes
 * except what removes the guard (`shim uninstall`, `init --remove`), a `send` with another config,
 * and an `init` or `shim install`
 * that writes another config into the hook, server, plugin entries or shims: that config brings its
 * own allow list and book, and moves which config file the guard protects.
 */
export const guardCli: Handler = (a, args, site) => {
  const words = args.map((x) => x.text);
  const positionals = words.filter((w) => !w.startsWith("-"));
  const shim = positionals[0] === "shim";
  // `setup` runs the `init`s (and writes a new book): the same rules.
  const init = positionals[0] === "init" || positionals[0] === "setup";
  // `send` with the agent's own config is the incident itself: its own book maps an alias to any number.
  if (positionals[0] === "send" && choosesConfig(words, site)) {
    a.deny("Sending with another openclaw-guard config (--config, $OPENCLAW_GUARD_CONFIG, $XDG_CONFIG_HOME, $HOME) is disabled here: it would bring its own address book.");
  }
  if (shim && positionals[1] === "uninstall") a.deny("Removing the openclaw-guard shims is disabled here; a human runs `openclaw-guard shim uninstall`.");
  if (init && words.some((w) => /^--?(remove|uninstall)$/.test(w) || w === "remove")) {
    a.deny("Removing openclaw-guard's registration is disabled here; a human runs `openclaw-guard init --remove`.");
  }
  const writesEntries = (init && !words.some((w) => w === "--print" || w === "--dry-run")) || (shim && positionals[1] === "install");
  if (writesEntries && choosesConfig(words, site)) {
    a.deny(`Writing openclaw-guard's ${shim ? "shims" : "registration"} with another config (--config, $OPENCLAW_GUARD_CONFIG) is disabled here; a human runs \`openclaw-guard ${shim ? "shim install" : positionals[0]}\`.`);
  }
};

export const openclawHandlers: HandlerTable = {
  ...Object.fromEntries([...NETWORK_CLIENTS].map((name): [string, Handler] => [name, network(/^(nc|ncat|netcat)$/.test(name))])),
  alias,
  hash,
  "openclaw-guard": guardCli,
};
