// Output of commands that only print what they are given (echo, printf) or decode it
// (base64 -d, rev, xxd -r -p): agents use them to build a command the analyser must see.
import { decodeAnsiC } from "./shell-words.js";

export function echoOutput(args: readonly string[]): string {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i] ?? ""); i++) {
    const flags = args[i] ?? "";
    if (flags.includes("n")) newline = false;
    if (flags.includes("e")) escapes = true;
  }
  const text = args.slice(i).join(" ");
  return (escapes ? decodeAnsiC(text) : text) + (newline ? "\n" : "");
}

/** printf: the format is reused until all arguments are consumed, as in bash. */
export function printfOutput(args: readonly string[]): string {
  const [format = "", ...values] = args;
  let output = "";
  let next = 0;
  do {
    let consumed = false;
    output += format.replace(/%(%|[-+ #0]*\d*(?:\.\d+)?[sbdiqcxXouf])|\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|u[0-9a-fA-F]{1,4}|[\s\S])/g, (whole, conversion: string | undefined) => {
      if (conversion === undefined) return decodeAnsiC(whole);
      if (conversion === "%") return "%";
      consumed = true;
      const value = values[next++] ?? "";
      return conversion.endsWith("b") ? decodeAnsiC(value) : conversion.endsWith("c") ? value.slice(0, 1) : value;
    });
    if (!consumed) break;
  } while (next < values.length);
  return output;
}

/** Decoders agents pipe into a shell to hide a command. */
export function decodeOutput(name: string, args: readonly string[], input: string): string | undefined {
  const flags = args.join(" ");
  if (name === "base64" && /(^|\s)(-[A-Za-z]*d[A-Za-z]*|--decode|-D)\b/.test(flags)) return Buffer.from(input, "base64").toString("utf8");
  if (name === "rev") return input.split("\n").map((line) => [...line].reverse().join("")).join("\n");
  if (name === "xxd" && /-r/.test(flags) && /-p/.test(flags)) return Buffer.from(input.replace(/\s+/g, ""), "hex").toString("utf8");
  return undefined;
}

/** `tr -d SET` removes characters: `cat f | tr -d '\r' | bash`. */
function deleteCharacters(set: string, input: string): string {
  const characters = decodeAnsiC(set);
  return [...input].filter((c) => !characters.includes(c)).join("");
}

/**
 * Filters between a file and a shell (tr, sort, head, grep, ...). `cat`/`tee` print their input and
 * `tr -d SET` is evaluated; any other filter's output is the UNKNOWN marker, then its input on the next line:
 * the input text is still searched for a refused call (an over-approximation of what reaches a
 * shell), but the output is never taken to BE the input (`$(tr A-Z a-z <<< OPENCLAW)` is not
 * `OPENCLAW`, `$(echo openclaw-x | sed 's/-x//')` is not `openclaw-x`): it is computed.
 */
export function filterOutput(name: string, args: readonly string[], input: string, unknown: string): string | undefined {
  if (name === "tr" && args[0] === "-d" && args[1] !== undefined) return deleteCharacters(args[1], input);
  if (name === "cat" || (name === "tee" && args.every((a) => a.startsWith("-")))) return input;
  return /^(tr|sort|uniq|head|tail|grep|egrep|fgrep|cut|sed|awk|tee|dos2unix|iconv|fold|expand|unexpand)$/.test(name) ? `${unknown}\n${input}` : undefined;
}
