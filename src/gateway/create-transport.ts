import type { Config } from "../contacts/config.js";
import { createCliTransport } from "./cli-transport.js";
import { createDryRunTransport } from "./dry-run-transport.js";
import { resolveGatewaySettings } from "./gateway-settings.js";
import { createGatewayTransport } from "./gateway-transport.js";
import type { Transport } from "./transport.js";

export function createTransport(openclaw: Config["openclaw"], env: NodeJS.ProcessEnv = process.env): Transport {
  switch (openclaw.transport) {
    case "dry-run":
      return createDryRunTransport();
    case "cli":
      return createCliTransport({ bin: openclaw.bin ?? [], timeoutMs: openclaw.timeoutMs, env });
    case "gateway":
      // Resolves where and how to connect; connecting waits for the first send.
      return createGatewayTransport({ settings: resolveGatewaySettings(openclaw.gateway, env), timeoutMs: openclaw.timeoutMs });
  }
}
