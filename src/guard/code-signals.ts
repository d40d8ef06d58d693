// Text signals for what a parser cannot resolve: names computed at run time,
// inline interpreter code, traffic to the gateway. A signal alone is ordinary
// programming; it only counts together with a marker that points at OpenClaw.
import { embeddedSend, withoutAllowedCalls } from "./embedded-send.js";
import { DEFAULT_ALLOW_LIST, type AllowList } from "./openclaw-policy.js";
import { OPENCLAW_STATE_HINT, PROTECTED_HINT } from "./protected-paths.js";

// Our own command name mentions "claw" too; it must not count as a marker.
const OWN_NAME = /openclaw-guard/gi;

const OPENCLAW_MARKER = /claw|moltbot|18789|openclaw_gateway|gateway\.auth/i;
const GATEWAY_MARKER = /18789|openclaw_gateway|gateway\.auth|(?<![A-Za-z0-9-])\.openclaw\b|\/tools\/invoke/i;

/** The text points at OpenClaw: its name, the gateway port, its env or config keys. */
export function mentionsOpenclaw(text: string): boolean {
  return OPENCLAW_MARKER.test(text.replace(OWN_NAME, ""));
}

/** The text points at the gateway specifically (port, URL env, token, state directory). */
export function mentionsGateway(text: string): boolean {
  return GATEWAY_MARKER.test(text.replace(OWN_NAME, ""));
}

const SPAWNS_PROCESS =
  /child_process|subprocess|\bos\.(system|popen|exec\w*|spawn\w*)|\bpty\.spawn|\b(exec|execFile|execSync|execFileSync|spawn|spawnSync|fork|system|popen|execv\w*|execl\w*)\b|\bIO\.popen|\bOpen3\b|%x|\bqx\b|`|\bDeno\.(run|Command)|\bBun\.spawn|\bexeca\b|\bshelljs\b|\bzx\b|\bposix_spawn\w*|\bgetattr\s*\(\s*os\b|\b__import__\b|\bimportlib\b|\breadpipe\b|\bpassthru\b|\bshell_exec\b|\bproc_open\b|\bpcntl_exec\b|\bio\.popen\b|\bos\.execute\b|\bopen\s*\([^)]*['"]\s*(?:-\||\|)/;
const OPENS_CONNECTION =
  /\bsocket\b|WebSocket|\bwss?:\/\/|\bhttps?:\/\/|require\(\s*['"](ws|net|http|https|undici|node:net|node:http|node:https)['"]|from\s+['"](ws|net|http|https|undici|node:net|node:http|node:https)['"]|\bfetch\s*\(|\burllib\b|\brequests\b|\bhttp\.client\b|\bhttpx\b|\baiohttp\b|\bwebsockets?\b|IO::Socket|Net::HTTP|LWP|HTTP::Tiny/;
const IMPORTS_OPENCLAW =
  /\b(import|require)\s*\(?\s*['"][^'"]*\b(openclaw|clawdbot|moltbot)(?!-guard)[^'"]*['"]|\b(from|import)\s+(openclaw|clawdbot|moltbot)\b/;

/**
 * Why inline interpreter code (`python -c`, `node -e`, a script file it runs) may reach
 * OpenClaw, or undefined. Spawning processes or opening connections is ordinary;
 * doing so in code that also mentions OpenClaw is not.
 */
export function riskyCode(code: string, allowList: AllowList = DEFAULT_ALLOW_LIST): string | undefined {
  if (IMPORTS_OPENCLAW.test(code)) return "loads the OpenClaw package as a library";
  if (!mentionsOpenclaw(code)) return undefined;
  // `shutil.copy(expanduser('~/.openclaw/openclaw.json'), '/tmp/t')`: like `cp`, a copy holds the gateway's token.
  if (OPENCLAW_STATE_HINT.test(code) && WRITES_FILE.test(code)) return "writes or copies a file and names OpenClaw's state folder (its token and credentials)";
  const call = embeddedSend(code, allowList);
  if (call !== undefined && (SPAWNS_PROCESS.test(code) || /\bexec\b|\bspawn\b|os\.execute|shell-command|\.shell\b/.test(code))) return `starts a process that runs \`${call}\``;
  // Judge the argv, not the mention: `subprocess.run(['openclaw','--version'])` is an allowed call.
  code = withoutAllowedCalls(code, allowList);
  if (!mentionsOpenclaw(code)) return undefined;
  if (SPAWNS_PROCESS.test(code)) return "starts a process and mentions OpenClaw";
  if (OPENS_CONNECTION.test(code)) return "opens a network connection and mentions OpenClaw";
  return undefined;
}

/** Calls that remove files or folders. */
const REMOVES_FILE = /\b(?:unlink(?:Sync)?|rm(?:Sync)?|rmdir(?:Sync)?|rmtree|remove|rm_rf|rm_r|File\.delete|FileUtils\.rm\w*)\s*\(/;

/**
 * Why code writes one of the places the agent must not change (`open(expanduser('~/.claude/settings.json'),'w')`),
 * or undefined: it writes, copies or removes files and names such a place (PROTECTED_HINT).
 */
export function writesProtectedPlace(code: string): string | undefined {
  if (!PROTECTED_HINT.test(code.replace(OWN_NAME_IN_PATHS, ""))) return undefined;
  if (WRITES_FILE.test(code) || REMOVES_FILE.test(code)) return "writes, copies or removes files and names a place the agent must not change (OpenClaw's or the guard's state, agent settings, shell start-up files)";
  return undefined;
}
/** `import ... from "openclaw-guard"`, `node_modules/openclaw-guard/`: the package's own name is not its state. */
const OWN_NAME_IN_PATHS = /openclaw-guard(?![\w.-]*\/(?:config|audit))/g;

/** Calls that copy, link or write a file (Python, Node, Perl, Ruby, PHP, Lua). */
const WRITES_FILE =
  /\bopen\s*\([^\n]{0,200},\s*['"][wax]b?\+?['"]|\bshutil\.(copy\w*|move)|\bcopyFile(Sync)?\b|\bcpSync\b|\b(write|append)File(Sync)?\b|createWriteStream|File::Copy|\bcopy\s*\(|\bmove\s*\(|FileUtils\.(cp|copy|mv)|File\.(write|open\([^)]*['"][wa])|file_put_contents|\b(sym)?link(Sync)?\s*\(|\bos\.(link|symlink|rename|replace)\b|\bopen\s*\([^)]*,\s*['"][wax]b?\+?['"]|\bopen\s*\(?\s*(?:my\s+)?\$?\w+\s*,\s*['"]\s*[+]?>|write_(text|bytes)|io\.open\([^)]*['"][wa]/;

/** Calls that read a file's text: Python open()/read_text, Node readFileSync, Ruby File.read, PHP file_get_contents, Perl open. */
const READS_FILE = /\b(?:open|readFileSync|readFile|read_text|read_bytes|File\.read|IO\.read|file_get_contents|Path|slurp|io\.open|Deno\.readTextFileSync|Bun\.file)\s*\(\s*(?:([rbuf]?)(['"])((?:(?!\2)[^\\\n]|\\.)*)\2|(\$?[A-Za-z_]\w*)\s*[,)]|[^)'"])/g;

/** Perl's `open F, "/tmp/c"` and `open(my $f, "<", $path)`: the file operand, quoted (2) or a variable (3). */
const PERL_OPEN = /\bopen\s*\(?\s*(?:my\s+)?\$?\w+\s*,\s*(?:['"][<+]+['"]\s*,\s*)?(?:(['"])([^'"\n]+)\1|(\$\w+))/g;

/** The literal a variable is assigned once in the code (`p = '/tmp/c'`, `$f="/tmp/c"`), else undefined. */
function literalOf(variable: string, code: string): string | undefined {
  const escaped = variable.replace(/\$/g, "\\$");
  const assignments = [...code.matchAll(new RegExp(`(?:^|[^\\w$.])${escaped}\\s*=\\s*(['"])([^'"\\n]*)\\1`, "g"))];
  const value = assignments.length === 1 ? assignments[0]?.[2] : undefined;
  return value !== undefined && !/[{%$@]/.test(value) ? value : undefined;
}

/**
 * The files inline code reads when it also starts processes (`os.system(open('notes').read())`
 * runs the file's text): their names, and whether any name is computed (not a literal).
 */
export function filesReadBySpawningCode(code: string): { files: string[]; computed: boolean } | undefined {
  return SPAWNS_PROCESS.test(code) ? filesReadByCode(code) : undefined;
}

/** The files code reads (open(), readFileSync, File.read, Perl's open, ...), and whether any name is computed. */
export function filesReadByCode(code: string): { files: string[]; computed: boolean } | undefined {
  const files: string[] = [];
  let computed = false;
  // Perl's `open F, "/tmp/c"` and `open(my $f, "<", "x")`: the last quoted operand is the file.
  // A file named by a variable (`$f="/tmp/c"; open F,$f`, `p='/tmp/c'; open(p)`) is the literal it was given.
  const byVariable = (variable: string): void => {
    const value = literalOf(variable, code);
    if (value === undefined) computed = true;
    else files.push(value);
  };
  for (const match of code.matchAll(PERL_OPEN)) {
    // Python's `open(path, 'r')` has the same shape: a mode is not a file.
    if (match[2] !== undefined && !/[$@]/.test(match[2]) && !/^[rwabxtU+]{1,3}$/.test(match[2])) files.push(match[2].replace(/^[<+\s]+/, ""));
    else if (match[3] !== undefined) byVariable(match[3]);
  }
  for (const match of code.matchAll(READS_FILE)) {
    if (match[4] !== undefined) {
      // `open(F, ...)` in Perl names the handle, not the file (PERL_OPEN found that one).
      if (!/^[A-Z]+$/.test(match[4])) byVariable(match[4]);
    } else if (match[3] === undefined) computed = true;
    else if (match[1] !== "f" && !/[{%$]/.test(match[3])) files.push(match[3]);
    else computed = true;
  }
  return files.length > 0 || computed ? { files, computed } : undefined;
}

const STRING_LITERAL = /(["'`])((?:(?!\1)[^\\\n]|\\.)*)\1/g;
/** `'sh ' + 'run.txt'`, `"sh "."run.txt"`: two literals joined by + or . (Python, JS, Perl, PHP, Lua's ..). */
const CONCATENATION = /(["'])((?:(?!\1)[^\\\n])*)\1\s*(?:\+|\.{1,2})\s*(["'])((?:(?!\3)[^\\\n])*)\3/;
/** `['sh', 'run.txt']`, `('sh', 'run.txt')`, Perl's `exec "sh", "run.txt"`: string literals separated by commas, an argv. */
const ARGV_LIST = /(?:[[(]|\b(?:exec|system|spawn)\s+)\s*((?:(["'])(?:(?!\2)[^\\\n])*\2\s*,\s*)+(["'])(?:(?!\3)[^\\\n])*\3)\s*,?\s*(?:[\])]|;|$)/gm;
/** Tcl and expect run a command written as words: `exec sh run.txt`, `spawn sh run.txt`. */
const TCL_COMMAND = /(?:^|[;\n[{]\s*)(?:exec|spawn|open\s+["']?\|)\s+([^\n;\]}]+)/g;

/**
 * The command lines code that starts processes may hand to them: its string literals (with
 * concatenations joined), its lists of string literals as argv, Tcl's `exec`/`spawn` words. The
 * analyser parses each as shell (`os.system('sh run.txt')` runs run.txt), so a file a string names
 * is read like the same command in Bash. Empty for code that starts no process.
 */
export function spawnedCommandLines(code: string): string[] {
  if (!SPAWNS_PROCESS.test(code) && !/\bspawn\b|\bexec\b|\bdo shell script\b/.test(code)) return [];
  let joined = code.length > 64 * 1024 ? code.slice(0, 64 * 1024) : code;
  for (let k = 0; k < 32; k++) {
    const next = joined.replace(CONCATENATION, (_, q: string, a: string, _q2: string, b: string) => `${q}${a}${b.replaceAll(q, "")}${q}`);
    if (next === joined) break;
    joined = next;
  }
  const lines = new Set<string>();
  for (const match of joined.matchAll(ARGV_LIST)) {
    const items = [...(match[1] ?? "").matchAll(STRING_LITERAL)].map((item) => item[2] ?? "");
    const argv = items.map((item) => (/^[\w./:=@%+-]+$/.test(item) ? item : `'${item.replaceAll("'", "'\\''")}'`));
    lines.add(argv.join(" "));
    // `os.execlp('sh', 'sh', 'run.txt')`: the program, then its argv (from argv[0]).
    if (argv.length > 2) lines.add(argv.slice(1).join(" "));
  }
  for (const match of joined.matchAll(STRING_LITERAL)) {
    const text = (match[2] ?? "").replace(/\\n/g, "\n").replace(/\\(["'`\\])/g, "$1");
    // A command line, or a file the code runs (`execFileSync('./x.sh')`, `fork('./x.js')`).
    if (/\S\s+\S/.test(text) || /^\.{0,2}\/[^\s;&|<>()$`'"]+$/.test(text)) lines.add(text);
  }
  for (const match of joined.matchAll(TCL_COMMAND)) lines.add((match[1] ?? "").trim());
  return [...lines].filter((line) => line.length <= 4096).slice(0, 32);
}

/** Code that runs text it only gets at run time: eval/exec/compile of a non-literal, new Function, vm.run*. */
export const EVALUATES_RUNTIME_CODE = /\b(?:exec|eval|compile|execfile|instance_eval|class_eval|module_eval|load)\s*\(\s*(?!["'])[^)\s]|\beval\s+[$@]|\bnew\s+Function\b|\bFunction\s*\(|\bvm\.run\w*|\brunpy\.run_\w+/;

/**
 * Local files code loads as code: Node's require or import of a relative path, Python's
 * `import x` / `from x import` (the working directory is on sys.path for -c, -m and stdin),
 * Ruby's require_relative, Perl's `do 'x.pl'` / require, PHP's include/require. Each as the
 * candidate file names the loader tries.
 */
export function localModuleFiles(code: string): string[] {
  const files = new Set<string>();
  const node = /\b(?:require|import)\s*\(\s*["'](\.{1,2}\/[^"']+)["']|\bfrom\s+["'](\.{1,2}\/[^"']+)["']|\bimport\s+["'](\.{1,2}\/[^"']+)["']/g;
  for (const match of code.matchAll(node)) {
    const file = match[1] ?? match[2] ?? match[3] ?? "";
    for (const variant of [file, `${file}.js`, `${file}.mjs`, `${file}.cjs`, `${file}.ts`, `${file}/index.js`]) files.add(variant);
  }
  const python = /(?:^|[;\n])\s*(?:from\s+([A-Za-z_][\w.]*)\s+import\b|import\s+([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*))|\b(?:__import__|import_module)\s*\(\s*["']([\w.]+)["']/g;
  for (const match of code.matchAll(python)) {
    for (const name of (match[1] ?? match[2] ?? match[3] ?? "").split(/\s*,\s*/)) {
      const module = name.split(/\s+as\s+/)[0]?.trim().replaceAll(".", "/") ?? "";
      if (module !== "") for (const variant of [`${module}.py`, `${module}/__init__.py`, `${module}/__main__.py`]) files.add(variant);
    }
  }
  const others = /\brequire_relative\s*\(?\s*["']([^"']+)["']|\b(?:require|load|do)\s*\(?\s*["'](\.{0,2}\/?[\w./-]+\.(?:rb|pl|pm|php|lua))["']|\b(?:include|require)(?:_once)?\s*\(?\s*["']([^"']+\.php)["']|\bdofile\s*\(\s*["']([^"']+)["']/g;
  for (const match of code.matchAll(others)) {
    const file = match[1] ?? match[2] ?? match[3] ?? match[4] ?? "";
    files.add(file);
    if (match[1] !== undefined && !file.endsWith(".rb")) files.add(`${file}.rb`);
  }
  return [...files].filter((file) => file !== "").slice(0, 48);
}
