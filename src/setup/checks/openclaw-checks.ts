// Layer "openclaw": the gateway's own config (~/.openclaw/openclaw.json), read as OpenClaw reads it,
// and reported honestly: OpenClaw has no outbound allowlist; only WhatsApp direct messages are gated,
// by allowFrom, and only when that list is neither empty nor "*".
import { maskTarget } from "../../audit/redact.js";
import type { Contact } from "../../contacts/config.js";
import { pick, type OpenclawConfigRead } from "../../gateway/openclaw-config.js";
import { check, plural, type Check } from "../doctor-report.js";

/** The openclaw version these facts were verified against. */
export const VERIFIED_OPENCLAW_VERSION = "2026.9.6";
/**
 * The first openclaw version with an outbound recipient allowlist, or undefined while none has one
 * (true of every release up to 2026.9.6: upstream PRs #49549, #30588, #33924 were closed unmerged).
 */
export const OUTBOUND_ALLOWLIST_SINCE: string | undefined = undefined;

export type VersionFacts = {
  /** How the CLI was found, e.g. "openclaw.bin" or "/usr/local/bin/openclaw (PATH)"; undefined when none was. */
  label?: string;
  /** "2026.9.6" when `--version` answered. */
  version?: string;
  /** Why no version could be read. */
  problem?: string;
};

export type OurContacts = { known: boolean; list: readonly Contact[] };

export function checkOpenclawConfig(read: OpenclawConfigRead): Check {
  const id = "openclaw.config";
  if (read.error !== undefined) {
    if (read.error.startsWith("cannot read")) {
      return check(
        id,
        "openclaw",
        "warn",
        `${read.error}: the gateway's allowlists cannot be checked from here (good, if OpenClaw runs as another user).`,
        `check channels.whatsapp.allowFrom as the user OpenClaw runs as (openclaw config get channels.whatsapp).`,
      );
    }
    return check(id, "openclaw", "fail", `${read.error}: the gateway will not load it either.`, `fix the syntax in ${read.path}.`);
  }
  if (read.config === undefined) {
    return check(id, "openclaw", "warn", `no OpenClaw config at ${read.path}: the gateway side is not checked.`, `set OPENCLAW_HOME or OPENCLAW_CONFIG_PATH if OpenClaw keeps it elsewhere.`);
  }
  return check(id, "openclaw", "ok", `read ${read.path}.`);
}

export function parseOpenclawVersion(output: string): string | undefined {
  return /\b(\d{4}\.\d{1,2}\.\d{1,3}(?:[-.][0-9A-Za-z.]+)?)\b/.exec(output)?.[1];
}

export function checkOpenclawVersion(facts: VersionFacts): Check {
  const id = "openclaw.version";
  if (facts.label === undefined) {
    return check(id, "openclaw", "warn", "no openclaw CLI found (openclaw.bin is not set and PATH has none besides shims): its version is unknown.", `set openclaw.bin to the real CLI in the openclaw-guard config.`);
  }
  if (facts.version === undefined) {
    return check(id, "openclaw", "warn", `could not read the openclaw version from ${facts.label}: ${facts.problem ?? "no version in its output"}.`, "see the transport.cli line.");
  }
  const note = facts.version === VERIFIED_OPENCLAW_VERSION ? "" : ` (openclaw-guard was verified against ${VERIFIED_OPENCLAW_VERSION}; re-run doctor after upgrades)`;
  return check(id, "openclaw", "ok", `openclaw ${facts.version} (${facts.label})${note}.`);
}

/** Compares "2026.9.6"-style versions; undefined when either is not one. */
function compareVersions(a: string, b: string): number | undefined {
  const parse = (v: string) => /^(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number);
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < 3; i++) if (x[i]! !== y[i]!) return x[i]! - y[i]!;
  return 0;
}

export function supportsOutboundAllowlist(version: string | undefined): boolean {
  if (OUTBOUND_ALLOWLIST_SINCE === undefined || version === undefined) return false;
  return (compareVersions(version, OUTBOUND_ALLOWLIST_SINCE) ?? -1) >= 0;
}

const OUTBOUND_KEY = /^(allowTo|allowSendTo|sendAllowFrom|allowRecipients|outboundAllow(From|list|To)?|allowOutbound)$/i;

/** Dotted paths of every key in the config that looks like an outbound allowlist. */
export function outboundAllowlistKeys(config: unknown, path: string[] = [], out: string[] = [], depth = 0): string[] {
  if (!config || typeof config !== "object" || depth > 8) return out;
  for (const [key, value] of Object.entries(config)) {
    if (OUTBOUND_KEY.test(key)) out.push([...path, key].join("."));
    outboundAllowlistKeys(value, [...path, key], out, depth + 1);
  }
  return out;
}

export function checkOutboundAllowlist(config: Record<string, unknown> | undefined, version: string | undefined): Check {
  const id = "openclaw.outbound-allowlist";
  const v = version ? `openclaw ${version}` : "this openclaw";
  const keys = config ? outboundAllowlistKeys(config) : [];
  if (supportsOutboundAllowlist(version)) {
    return keys.length > 0
      ? check(id, "openclaw", "ok", `${v} supports an outbound allowlist and ${keys.join(", ")} is set.`)
      : check(id, "openclaw", "warn", `${v} supports an outbound allowlist, but openclaw.json sets none.`, "restrict outbound recipients to your contacts in openclaw.json.");
  }
  if (keys.length > 0) {
    return check(id, "openclaw", "warn", `openclaw.json sets ${keys.join(", ")}, but ${v} has no outbound allowlist: it is ignored, and only WhatsApp direct messages are gated (by allowFrom).`, "do not rely on it; keep channels.whatsapp.allowFrom tight and the gateway token away from the agent.");
  }
  return check(
    id,
    "openclaw",
    "note",
    `no outbound allowlist in ${v} (none exists as of ${VERIFIED_OPENCLAW_VERSION}); only WhatsApp direct messages are gated, by allowFrom.`,
    "nothing to set in OpenClaw yet: openclaw-guard's vetting is the control; keep the gateway token away from the agent.",
  );
}

type Scope = { id: string; label: string; allowFrom: unknown; allowFromAt: string; dmPolicy: unknown };

function whatsappScopes(ws: Record<string, unknown>): Scope[] {
  const accounts = pick(ws, "accounts");
  const entries = accounts && typeof accounts === "object" ? Object.entries(accounts as Record<string, unknown>).filter(([, a]) => a && typeof a === "object" && pick(a, "enabled") !== false) : [];
  if (entries.length === 0) return [{ id: "default", label: "channels.whatsapp", allowFrom: pick(ws, "allowFrom"), allowFromAt: "channels.whatsapp.allowFrom", dmPolicy: pick(ws, "dmPolicy") }];
  return entries.map(([id, account]) => {
    const own = pick(account, "allowFrom");
    return {
      id,
      label: `channels.whatsapp.accounts.${id}`,
      allowFrom: own ?? pick(ws, "allowFrom"),
      allowFromAt: own !== undefined ? `channels.whatsapp.accounts.${id}.allowFrom` : "channels.whatsapp.allowFrom",
      dmPolicy: pick(account, "dmPolicy") ?? pick(ws, "dmPolicy"),
    };
  });
}

/** As WhatsApp normalises a number: every non-digit stripped, "+" prepended. */
export function normaliseWhatsappEntry(entry: string): string | undefined {
  const digits = entry.replace(/\D/g, "");
  return digits ? `+${digits}` : undefined;
}

const isDirect = (c: Contact) => c.target.startsWith("+");

function describeContacts(list: readonly Contact[]): string {
  const shown = list.slice(0, 5).map((c) => `${c.alias} (${maskTarget(c.target)})`);
  return shown.join(", ") + (list.length > 5 ? `, and ${list.length - 5} more` : "");
}

/** One check per WhatsApp account (or one for the channel): allowFrom empty or "*" fails; a missing contact warns. */
export function checkWhatsapp(config: Record<string, unknown> | undefined, ours: OurContacts): Check[] {
  if (config === undefined) return []; // openclaw.config already says why
  const contacts = ours.list.filter((c) => c.channel === "whatsapp");
  const direct = contacts.filter(isDirect);
  const ws = pick(config, "channels", "whatsapp");
  if (!ws || typeof ws !== "object") {
    if (direct.length === 0) return [check("openclaw.whatsapp", "openclaw", "ok", "WhatsApp is not configured in openclaw.json: nothing to gate.")];
    return [
      check(
        "openclaw.whatsapp",
        "openclaw",
        "warn",
        `WhatsApp is not configured in openclaw.json, but ${plural(direct.length, "contact uses", "contacts use")} it: sends to them will fail, and allowFrom left empty would allow any recipient.`,
        'configure channels.whatsapp with dmPolicy "allowlist" and allowFrom listing your contacts\' numbers.',
      ),
    ];
  }
  if (pick(ws, "enabled") === false) return [check("openclaw.whatsapp", "openclaw", "ok", "WhatsApp is disabled in openclaw.json (channels.whatsapp.enabled: false).")];

  const scopes = whatsappScopes(ws as Record<string, unknown>);
  const single = scopes.length === 1 && scopes[0]!.label === "channels.whatsapp";
  const defaultAccount = typeof pick(ws, "defaultAccount") === "string" ? (pick(ws, "defaultAccount") as string) : "default";
  const scopeOf = (c: Contact): Scope | undefined => {
    if (single) return scopes[0];
    const wanted = c.account ?? defaultAccount;
    return scopes.find((s) => s.id === wanted) ?? (c.account === undefined && scopes.length === 1 ? scopes[0] : undefined);
  };

  const checks: Check[] = [];
  const orphans = direct.filter((c) => scopeOf(c) === undefined);
  if (orphans.length > 0) {
    checks.push(
      check(
        "openclaw.whatsapp.accounts",
        "openclaw",
        "warn",
        `${plural(orphans.length, "WhatsApp contact uses an account", "WhatsApp contacts use accounts")} that openclaw.json does not define (or has disabled): ${orphans.map((c) => `${c.alias} (account ${c.account ?? defaultAccount})`).join(", ")}.`,
        "fix the contact's account in the openclaw-guard config, or add the account under channels.whatsapp.accounts.",
      ),
    );
  }

  for (const scope of scopes) {
    const id = single ? "openclaw.whatsapp" : `openclaw.whatsapp.${scope.id}`;
    const policy = typeof scope.dmPolicy === "string" ? scope.dmPolicy : "pairing (default)";
    if (scope.allowFrom !== undefined && !Array.isArray(scope.allowFrom)) {
      checks.push(check(id, "openclaw", "fail", `WhatsApp ${scope.allowFromAt} is not a list: the gateway may allow any recipient.`, `make ${scope.allowFromAt} a list of your contacts' numbers.`));
      continue;
    }
    const entries = ((scope.allowFrom as unknown[] | undefined) ?? []).map((e) => String(e).trim()).filter((e) => e !== "");
    const fixList = `list your contacts' numbers in ${scope.allowFromAt} and set dmPolicy "allowlist".`;
    if (entries.includes("*") || scope.dmPolicy === "open") {
      checks.push(check(id, "openclaw", "fail", `WhatsApp ${scope.allowFromAt} is "*" (dmPolicy ${policy}): the gateway allows any recipient.`, fixList));
      continue;
    }
    if (entries.length === 0) {
      checks.push(check(id, "openclaw", "fail", `WhatsApp ${scope.allowFromAt} is ${scope.allowFrom === undefined ? "not set" : "empty"} (dmPolicy ${policy}): the gateway allows any recipient.`, fixList));
      continue;
    }
    const accessGroups = entries.filter((e) => e.startsWith("accessGroup:")).length;
    const allowed = new Set(entries.filter((e) => !e.startsWith("accessGroup:")).map(normaliseWhatsappEntry).filter((e): e is string => e !== undefined));
    const mine = direct.filter((c) => scopeOf(c) === scope);
    const pairing = scope.dmPolicy === undefined || scope.dmPolicy === "pairing" ? "; with dmPolicy pairing, approved pairings may be admitted too" : "";
    const groups = accessGroups > 0 ? `, ${plural(accessGroups, "access group")} (not expanded here)` : "";
    if (!ours.known) {
      checks.push(check(id, "openclaw", "ok", `WhatsApp ${scope.allowFromAt} lists ${plural(allowed.size, "number")}${groups} (dmPolicy ${policy}); not compared with the contacts, whose config is invalid${pairing}.`));
      continue;
    }
    const missing = mine.filter((c) => !allowed.has(c.target));
    const strangers = [...allowed].filter((n) => !direct.some((c) => c.target === n)).length;
    const extra = strangers > 0 ? `; ${plural(strangers, "number in it is not a contact", "numbers in it are not contacts")} of ours, reachable through the raw CLI` : "";
    if (missing.length > 0) {
      checks.push(
        check(
          id,
          "openclaw",
          "warn",
          `WhatsApp ${scope.allowFromAt} lacks ${missing.length} of ${plural(mine.length, "WhatsApp contact")}: ${describeContacts(missing)}; the gateway would reject sends to ${missing.length === 1 ? "it" : "them"}${accessGroups > 0 ? " unless an access group admits them" : ""}.`,
          `add ${missing.length === 1 ? "that number" : "those numbers"} to ${scope.allowFromAt}.`,
        ),
      );
      continue;
    }
    checks.push(check(id, "openclaw", "ok", `WhatsApp ${scope.allowFromAt} gates direct messages: ${plural(allowed.size, "number")}${groups}, all ${plural(mine.length, "WhatsApp contact")} included (dmPolicy ${policy})${extra}${pairing}.`));
  }
  return checks;
}

const NOT_CHANNELS = new Set(["defaults", "whatsapp"]);

/** Channels whose outbound sends nothing in OpenClaw gates, configured there or used by our contacts. */
export function checkUngatedChannels(config: Record<string, unknown> | undefined, ours: OurContacts, version: string | undefined): Check {
  const id = "openclaw.ungated-channels";
  if (supportsOutboundAllowlist(version)) return check(id, "openclaw", "ok", `openclaw ${version} has an outbound allowlist; see openclaw.outbound-allowlist.`);
  const channels = pick(config, "channels");
  const configured =
    channels && typeof channels === "object"
      ? Object.entries(channels as Record<string, unknown>)
          .filter(([name, value]) => !NOT_CHANNELS.has(name) && value !== null && typeof value === "object" && pick(value, "enabled") !== false)
          .map(([name]) => name)
      : [];
  const counts = new Map<string, number>();
  for (const c of ours.list) if (c.channel !== "whatsapp") counts.set(c.channel, (counts.get(c.channel) ?? 0) + 1);
  const names = [...new Set([...configured, ...counts.keys()])].sort();
  const parts = names.map((n) => (counts.has(n) ? `${n} (${plural(counts.get(n)!, "contact")})` : n));
  const ws = pick(channels, "whatsapp");
  const whatsappGroups = ours.list.filter((c) => c.channel === "whatsapp" && !isDirect(c)).length;
  if ((ws && typeof ws === "object" && pick(ws, "enabled") !== false) || whatsappGroups > 0) {
    parts.push(`WhatsApp groups and newsletters${whatsappGroups > 0 ? ` (${plural(whatsappGroups, "contact")})` : ""}`);
  }
  if (parts.length === 0) return check(id, "openclaw", "ok", "no channel without a gateway-side recipient gate is configured or used.");
  return check(
    id,
    "openclaw",
    "note",
    `outbound sends on ${parts.join(", ")} are not gated by OpenClaw itself: with the gateway token anything can reach any recipient there; openclaw-guard's vetting and its gateway plugin (gateway lines) are the gate.`,
    "nothing to set in OpenClaw yet; keep the hook and shim in place and the gateway token away from the agent (see exposure).",
  );
}
