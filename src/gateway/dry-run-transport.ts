import type { DeliveryOutcome, Transport } from "./transport.js";

/** Delivers nothing; the pipeline still decides and audits, so a dry run exercises everything else. */
export function createDryRunTransport(): Transport {
  return {
    name: "dry-run",
    async deliver(request): Promise<DeliveryOutcome> {
      return { status: "sent", dryRun: true, messageId: `dry-run-${request.idempotencyKey}`, reason: "dry-run transport: nothing was delivered" };
    },
  };
}
