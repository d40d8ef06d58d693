// Layer "exposure": can the agent's user read OpenClaw's state (gateway token, channel credentials)?
// If it can, every text-level guard is a guard rail, not a boundary: any program the agent writes
// can read the token and talk to the gateway directly.
import { check, type Check } from "../doctor-report.js";

export type ExposureFacts = {
  /** OpenClaw's state directory: $OPENCLAW_STATE_DIR, else ($OPENCLAW_HOME or ~)/.openclaw. */
  dir: string;
  dirExists: boolean;
  dirReadable: boolean;
  /** OpenClaw's config file (it may live outside dir, via OPENCLAW_CONFIG_PATH). */
  configPath: string;
  configReadable: boolean;
  /** openclaw.gateway.token is set in the openclaw-guard config (which the agent's user reads). */
  tokenInOurConfig: boolean;
  /** OPENCLAW_GATEWAY_TOKEN / _PASSWORD is set in doctor's environment (the agent inherits the same). */
  tokenInEnv: boolean;
  uid?: number;
};

const OPTIONS =
  "run OpenClaw as a separate OS user (or in a container/sandbox) so the agent's user cannot read its files, keep channels.whatsapp.allowFrom to your contacts, and keep the hook and shim in place.";

export function checkExposure(facts: ExposureFacts): Check {
  const id = "exposure.openclaw-state";
  const who = facts.uid === undefined ? "this user" : `this user (uid ${facts.uid})`;
  const places: string[] = [];
  if (facts.dirExists && facts.dirReadable) places.push(facts.dir);
  else if (facts.configReadable) places.push(facts.configPath);
  if (facts.tokenInOurConfig) places.push("the openclaw-guard config (openclaw.gateway.token)");
  if (facts.tokenInEnv) places.push("the environment (OPENCLAW_GATEWAY_TOKEN/PASSWORD)");
  if (places.length > 0) {
    // A token copied into our config or the environment is a mistake to undo; OpenClaw's own files
    // readable by the same user is what a single-user set-up is.
    const copied = facts.tokenInOurConfig || facts.tokenInEnv;
    return check(
      id,
      "exposure",
      copied ? "warn" : "note",
      `${places.join(", ")} ${places.length === 1 ? "is" : "are"} readable by ${who}, which runs the agent: any program the agent runs can read the gateway token and send to any recipient directly, past the hook and shim.`,
      OPTIONS,
    );
  }
  if (!facts.dirExists) return check(id, "exposure", "ok", `no ${facts.dir} readable here: OpenClaw's token and credentials are out of the agent's reach (OpenClaw runs as another user, elsewhere, or not at all).`);
  return check(id, "exposure", "ok", `${facts.dir} is not readable by ${who}: the agent cannot take the gateway token from it.`);
}
