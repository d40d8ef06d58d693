// Text signals for what a parser cannot resolve: names computed at run time,
// inline interpreter code, traffic to the gateway. A signal alone is ordinary
// programming; it only counts together with a marker that points at OpenClaw.
import { embeddedSend, withoutAllowedCalls } from "./embedded-send.js";
import { DEFAULT_ALLOW_LIST, type AllowList } from "./openclaw-policy.js";
import { OPENCLAW_STATE_HINT } from "./protected-paths.js";

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

/** Calls that copy, link or write a file (Python, Node, Perl, Ruby, PHP, Lua). */
const WRITES_FILE =
  /\bshutil\.(copy\w*|move)|\bcopyFile(Sync)?\b|\bcpSync\b|\b(write|append)File(Sync)?\b|createWriteStream|File::Copy|\bcopy\s*\(|\bmove\s*\(|FileUtils\.(cp|copy|mv)|File\.(write|open\([^)]*['"][wa])|file_put_contents|\b(sym)?link(Sync)?\s*\(|\bos\.(link|symlink|rename|replace)\b|\bopen\s*\([^)]*,\s*['"][wax]b?\+?['"]|\bopen\s*\(?\s*(?:my\s+)?\$?\w+\s*,\s*['"]\s*[+]?>|write_(text|bytes)|io\.open\([^)]*['"][wa]/;

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
  if (!SPAWNS_PROCESS.test(code)) return undefined;
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
