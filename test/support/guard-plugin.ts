// What the e2e files that load openclaw-guard's built plugin into the real gateway share: the built
// entry must exist, and the plugin's gateway-side audit log is read back as records.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { REPO_ROOT } from "./claude-code.js";
import { connectGateway, type GatewayRpc, type RpcResult } from "./gateway-ws.js";
import type { Gateway } from "./openclaw-gateway.js";

export type AuditRecord = Record<string, unknown>;

/** The gateway loads dist/plugin/index.js from the repository: a missing build fails the suite. */
export function requireBuiltPlugin(): void {
  if (!existsSync(join(REPO_ROOT, "dist/plugin/index.js"))) throw new Error("dist/plugin/index.js is missing: run `npm run build` first");
}

/** The plugin's gateway-audit.jsonl in `guardDir` (beside the book's audit log), as records; none yet: []. */
export function gatewayAudit(guardDir: string): AuditRecord[] {
  const file = join(guardDir, "gateway-audit.jsonl");
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as AuditRecord) : [];
}

export interface SuiteRpc {
  request(method: string, params: Record<string, unknown>): Promise<RpcResult>;
  /** A new connection, after the gateway restarted. */
  reconnect(): Promise<void>;
}

/**
 * For a suite on a gateway with the plugin: requires the build, opens one operator connection after the
 * gateway started and closes it after the tests, then runs `cleanup` (a fake model server's close).
 */
export function useGatewayRpc(real: { readonly gateway: Gateway }, cleanup?: () => Promise<void> | void): SuiteRpc {
  let rpc: GatewayRpc | undefined;
  const connect = async () => {
    rpc?.close();
    rpc = await connectGateway(real.gateway.url, real.gateway.token);
  };
  beforeAll(async () => {
    requireBuiltPlugin();
    await connect();
  }, 60_000);
  afterAll(async () => {
    rpc?.close();
    await cleanup?.();
  });
  return {
    request: (method, params) => {
      if (!rpc) throw new Error("no gateway connection: use it inside tests");
      return rpc.request(method, params);
    },
    reconnect: connect,
  };
}
