import type { Channel } from "../contacts/targets.js";

export type DeliveryRequest = {
  channel: Channel;
  /** Canonical target from the address book; never model input. */
  target: string;
  account?: string;
  text: string;
  /** One key per message; a retry of the same message reuses it so the gateway can deduplicate. */
  idempotencyKey: string;
};

/** `refused`: the gateway itself declined to deliver (a plugin hook such as openclaw-guard's cancelled it); nothing went out. */
export type DeliveryStatus = "sent" | "queued" | "refused" | "failed" | "unknown";

export type DeliveryOutcome = { status: DeliveryStatus; messageId?: string; reason?: string; dryRun?: true };

export interface Transport {
  readonly name: string;
  deliver(request: DeliveryRequest): Promise<DeliveryOutcome>;
  close?(): Promise<void>;
}
