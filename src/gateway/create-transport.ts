import type { Config } from "../contacts/config.js";
import { createCliTransport } from "./cli-transport.js";
import { createDryRunTransport } from "./dry-run-transport.js";
import type { Transport } from "./transport.js";

export class TransportUnavailableError extends Error {}

export function createTransport(openclaw: Config["openclaw"], env: NodeJS.ProcessEnv = process.env): Transport {
  switch (openclaw.transport) {
    case "dry-run":
      return createDryRunTransport();
    case "cli":
      return createCliTransport({ bin: openclaw.bin ?? [], timeoutMs: openclaw.timeoutMs, env });
    case "gateway":
      throw new TransportUnavailableError('the "gateway" transport is not available in this version; set openclaw.transport to "cli" (with openclaw.bin) or "dry-run".');
  }
}
