// What init found in a file before it first wrote there: the items it writes that the user already
// had (a `tools.deny: plugins` of their own), so `init --remove` takes out only what init added.
// Kept beside the guard's config (init-state.json, private); pure here, read and written by init-command.ts.
import path from "node:path";
import type { FilePlan } from "./init-plan.js";

/** File path -> the items (`label: item`) that were there before init. */
export type InitState = Readonly<Record<string, readonly string[]>>;

export function initStatePath(config: string): string {
  return path.join(path.dirname(config), "init-state.json");
}

/** A missing or unreadable state is empty: --remove then takes out every entry of ours, as before there was one. */
export function parseInitState(text: string | undefined): InitState {
  if (text === undefined) return {};
  try {
    const value = (JSON.parse(text) as { preexisting?: unknown }).preexisting;
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string[]] => Array.isArray(e[1]) && e[1].every((i) => typeof i === "string")));
  } catch {
    return {};
  }
}

export function formatInitState(state: InitState): string {
  return `${JSON.stringify({ note: "written by openclaw-guard init: entries init writes that were in these files before it, which init --remove keeps", preexisting: state }, null, 2)}\n`;
}

/** The state after an init run: a file seen for the first time (nothing of ours in it yet) records what it already held. */
export function recordPreexisting(state: InitState, plans: readonly FilePlan[]): InitState {
  const added = plans.filter((p) => p.preexisting !== undefined && p.preexisting.length > 0 && !Object.hasOwn(state, p.path));
  return added.length === 0 ? state : { ...state, ...Object.fromEntries(added.map((p) => [p.path, p.preexisting!])) };
}

/** The state after init --remove: these files hold nothing of ours any more. */
export function forgetFiles(state: InitState, files: readonly string[]): InitState {
  return Object.fromEntries(Object.entries(state).filter(([file]) => !files.includes(file)));
}
