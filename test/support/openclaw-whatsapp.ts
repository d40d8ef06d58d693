// The real @openclaw/whatsapp channel plugin (installed by scripts/setup-e2e.sh) for e2e gateways,
// configured with no linked phone: a send the guard lets through ends at the channel with "No active
// WhatsApp Web listener" and stays in the gateway's durable delivery queue, so "the guard cancelled
// it" and "the gateway tried to deliver it" are told apart by the gateway itself.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { REPO_ROOT } from "./claude-code.js";

// node:sqlite (Node >= 22.5; the e2e suites run on Node 24) has no types in the pinned @types/node 20,
// so it is loaded untyped, with the little used here declared.
type Database = { prepare(sql: string): { all(): unknown[] }; close(): void };
const { DatabaseSync } = createRequire(import.meta.url)("node:sqlite") as { DatabaseSync: new (file: string, options: { readOnly: boolean }) => Database };

const E2E_DIR = join(REPO_ROOT, ".cache/e2e");
export const WHATSAPP_PLUGIN = join(E2E_DIR, "whatsapp/node_modules/@openclaw/whatsapp");
/** The channel's normalizeWhatsAppTarget (exported as `c`); the module name is the 2026.9.6 build's. */
export const WHATSAPP_NORMALISER = join(WHATSAPP_PLUGIN, "dist/.setup/normalize-target-BGra1ZnM.mjs");
const STAMP = join(E2E_DIR, "whatsapp/installed");

/** What the channel answers for a send it attempted with no linked phone. */
export const NO_LISTENER = /No active WhatsApp Web listener/;

/** Throws, as requireE2eTools() does, when the channel plugin is not installed. */
export function requireWhatsAppPlugin(): void {
  if (!existsSync(STAMP)) throw new Error(`${STAMP} missing: the WhatsApp channel plugin is not set up; run scripts/setup-e2e.sh`);
}

/**
 * A `configure` step for startGateway(): loads the channel plugin beside whatever `plugins` already
 * holds, and turns WhatsApp on with no linked account. `allowFrom: ["*"]` switches off OpenClaw's only
 * outbound recipient check (the incident's setting), so what stops a send here is the guard.
 */
export function withWhatsApp(config: Record<string, any>, whatsapp: Record<string, unknown> = {}): void {
  requireWhatsAppPlugin();
  config.plugins ??= {};
  config.plugins.load ??= {};
  config.plugins.load.paths = [...(config.plugins.load.paths ?? []), WHATSAPP_PLUGIN];
  config.plugins.entries = { ...config.plugins.entries, whatsapp: { enabled: true } };
  config.channels.whatsapp = { enabled: true, dmPolicy: "allowlist", allowFrom: ["*"], ...whatsapp };
}

export type DeliveryAttempt = { channel: string; target: string; status: string; lastError: string; text: string };

/**
 * The gateway's durable outbound queue (its own SQLite state): one entry per delivery it attempted,
 * with the resolved target, the text and the channel's last error. Read-only; the gateway keeps writing.
 */
export function deliveryAttempts(home: string): DeliveryAttempt[] {
  const file = join(home, ".openclaw/state/openclaw.sqlite");
  if (!existsSync(file)) return [];
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db.prepare("SELECT channel, target, status, last_error, entry_json FROM delivery_queue_entries ORDER BY enqueued_at").all() as Record<string, string>[];
    return rows.map((row) => {
      const entry = JSON.parse(row.entry_json ?? "{}") as { renderedBatchPlan?: { items?: { text?: string }[] }; mirror?: { text?: string } };
      const text = entry.renderedBatchPlan?.items?.map((i) => i.text ?? "").join("\n") ?? entry.mirror?.text ?? "";
      return { channel: row.channel ?? "", target: row.target ?? "", status: row.status ?? "", lastError: row.last_error ?? "", text };
    });
  } finally {
    db.close();
  }
}
