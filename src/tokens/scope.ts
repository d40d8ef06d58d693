// What one agent token may see and do: the address book narrowed to its aliases (so tools/list,
// list_contacts and send_message all see only those) and its own rate limit, both read from the
// token file on every call, so a revoke or an edit applies to open sessions too.
import type { Config, Contact } from "../contacts/config.js";
import type { ConfigSource, ConfigState } from "../contacts/config-source.js";
import type { SendDeps } from "../send/pipeline.js";
import type { Grant, TokenFile } from "./tokens.js";

export type TokenSource = { current(): { ok: true; file: TokenFile } | { ok: false; error: string } };

/** SendDeps for one agent: its view of the book and its name and limit for the pipeline. */
export function scopeToAgent(deps: SendDeps, tokens: TokenSource, name: string): SendDeps {
  const grantNow = (): Grant | string => {
    const state = tokens.current();
    if (!state.ok) return `The agent token file is invalid, so every send is refused until a human fixes it: ${state.error}`;
    return state.file.tokens[name] ?? `The agent token "${name}" was revoked, so every send is refused.`;
  };
  const full = new WeakMap<Config, Config>();
  return {
    ...deps,
    config: scopedConfig(deps.config, grantNow, full),
    // The ledger's retention comes from the whole book, not from this agent's part of it.
    storeFor: (config) => deps.storeFor(config ? (full.get(config) ?? config) : undefined),
    agent: {
      name,
      rate: () => {
        const grant = grantNow();
        return typeof grant === "string" ? undefined : grant.rate;
      },
    },
  };
}

function scopedConfig(source: ConfigSource, grantNow: () => Grant | string, full: WeakMap<Config, Config>): ConfigSource {
  // One narrowed Config per (book, alias list), so per-config caches downstream keep working.
  const cache = new WeakMap<Config, { key: string; state: ConfigState }>();
  return {
    path: source.path,
    current(): ConfigState {
      const state = source.current();
      if (!state.ok) return state;
      const grant = grantNow();
      if (typeof grant === "string") return { ok: false, error: grant };
      if (grant.aliases === undefined) return state;
      const key = grant.aliases.join(",");
      const hit = cache.get(state.config);
      if (hit?.key === key) return hit.state;
      const allowed = new Set(grant.aliases);
      const contacts = new Map<string, Contact>([...state.config.contacts].filter(([alias]) => allowed.has(alias)));
      const narrowed = { ok: true, config: { ...state.config, contacts } } as const;
      full.set(narrowed.config, state.config);
      cache.set(state.config, { key, state: narrowed });
      return narrowed;
    },
  };
}
