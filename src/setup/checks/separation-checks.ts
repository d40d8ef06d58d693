// Layer "exposure", separated deployment: the gateway, its state, the guard's book, tokens and audit
// belong to a service user, and the agent's user holds only its MCP token. Run as the agent's user,
// these checks fail on every way that user could still get past the guard: reading the gateway's
// config or token, reading or writing the book, writing the plugin or the guard's code, or an MCP
// client that still starts a local stdio server able to reach the gateway.
import { check, type Check } from "../doctor-report.js";

/** One openclaw-guard registration in an agent client's config. */
export type Registration = {
  client: string;
  file: string;
  kind: "http" | "stdio";
  /** Where a stdio server finds a gateway credential it can use (undefined: none found). */
  credential?: string;
};

export type PathFact = { what: string; path: string };

export type SeparationFacts = {
  /** A client reaches the guard over HTTP, or doctor was told the service user: the separated deployment is meant. */
  separated: boolean;
  serviceUser?: string;
  /** Things the agent's user can read but must not (gateway config/state/token, the book, the token file). */
  readable: PathFact[];
  /** Things it can write but must not (the book, token file, audit, the guard's code, the plugin). */
  writable: PathFact[];
  registrations: Registration[];
};

const list = (facts: PathFact[]) => facts.map((f) => `${f.what} (${f.path})`).join(", ");

export function checkSeparation(facts: SeparationFacts): Check[] {
  if (!facts.separated) return [];
  const owner = facts.serviceUser ? `the ${facts.serviceUser} user` : "the service user";
  const checks: Check[] = [];
  const gateway = facts.readable.filter((f) => f.what.startsWith("gateway"));
  const book = [...facts.readable.filter((f) => !f.what.startsWith("gateway")), ...facts.writable.filter((f) => f.what === "address book" || f.what === "agent tokens" || f.what === "audit log")];
  const code = facts.writable.filter((f) => f.what !== "address book" && f.what !== "agent tokens" && f.what !== "audit log");
  if (gateway.length > 0) {
    checks.push(check("exposure.separation.gateway", "exposure", "fail", `this user can read ${list(gateway)}: with the gateway token a program the agent writes sends anywhere, or switches the plugin off.`, `chown -R ${facts.serviceUser ?? "<service user>"}: the OpenClaw state and chmod 700 its directory, 600 its files (see \`openclaw-guard init openclaw --separate\`).`));
  }
  if (book.length > 0) {
    checks.push(check("exposure.separation.book", "exposure", "fail", `this user can read or write ${list(book)}: it could add a recipient, widen its token or rewrite the record.`, `Keep them owned by ${owner}, directory 700, files 600.`));
  }
  if (code.length > 0) {
    checks.push(check("exposure.separation.code", "exposure", "fail", `this user can write ${list(code)}: a change there runs as ${owner} with the gateway's credentials.`, "Install the guard (and its plugin) root-owned and not writable by others: chown -R root: <dir>; chmod -R go-w <dir>."));
  }
  for (const r of facts.registrations.filter((r) => r.kind === "stdio")) {
    checks.push(
      r.credential
        ? check("exposure.separation.client", "exposure", "fail", `${r.client} (${r.file}) still starts a local stdio openclaw-guard server that can use ${r.credential}: the agent's user holds a gateway credential.`, `Re-register it against the service: OPENCLAW_GUARD_TOKEN=<token> openclaw-guard init ${r.client} --remote <url>.`)
        : check("exposure.separation.client", "exposure", "warn", `${r.client} (${r.file}) still registers a local stdio openclaw-guard server; it has no gateway credential, so it can only refuse.`, `Re-register it against the service: openclaw-guard init ${r.client} --remote <url>.`),
    );
  }
  if (checks.length === 0) {
    const remote = facts.registrations.filter((r) => r.kind === "http").map((r) => r.client);
    checks.push(check("exposure.separation", "exposure", "ok", `separated: this user cannot read the gateway's config or token, read or write the book, or write the guard's code; ${remote.length > 0 ? `${remote.join(", ")} reach${remote.length === 1 ? "es" : ""} the guard over HTTP with a token only` : "no client registers openclaw-guard yet"}.`));
  }
  return checks;
}
