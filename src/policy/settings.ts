// The `policy` section of the config and its per-contact overrides, resolved into one value per contact.
import { z } from "zod";

const action = z.enum(["block", "confirm", "off"]);
export type ContentAction = z.infer<typeof action>;
export const CONFIRM_MODES = ["never", "first", "always"] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];

const contentSchema = z.strictObject({
  secrets: action.optional(),
  phoneNumbers: action.optional(),
  deny: z.array(z.string().min(1)).optional(),
  maxLength: z.number().int().min(1).max(100_000).optional(),
});

const windowSchema = z.strictObject({
  count: z.number().int().min(0).max(1_000_000),
  windowSeconds: z.number().int().min(1).max(31 * 86_400),
});

const duplicateWindowSeconds = z.number().int().min(0).max(31 * 86_400);

export const policySchema = z
  .strictObject({
    content: contentSchema.prefault({}),
    duplicateWindowSeconds: duplicateWindowSeconds.optional(),
    rateLimit: z.strictObject({ perContact: windowSchema.optional(), global: windowSchema.optional() }).prefault({}),
    confirm: z.enum(CONFIRM_MODES).optional(),
  })
  .prefault({});

/** What a contact entry may override. */
export const contactPolicyFields = {
  confirm: z.enum(CONFIRM_MODES).optional(),
  content: contentSchema.optional(),
  duplicateWindowSeconds: duplicateWindowSeconds.optional(),
  rateLimit: z.strictObject({ perContact: windowSchema.optional() }).optional(),
};

export type Window = z.infer<typeof windowSchema>;

/**
 * A compiled deny pattern and where it was configured ("policy.content.deny[0]"). Reasons name the
 * place, never the pattern: it holds the very code name the human wants kept out of messages.
 */
export type DenyPattern = { pattern: RegExp; name: string };

export type ContactPolicy = {
  content: { secrets: ContentAction; phoneNumbers: ContentAction; deny: DenyPattern[]; maxLength: number };
  duplicateWindowSeconds: number;
  perContact: Window;
  confirm: ConfirmMode;
};

export const DEFAULTS = {
  secrets: "block",
  phoneNumbers: "confirm",
  maxLength: 4000,
  duplicateWindowSeconds: 600,
  perContact: { count: 10, windowSeconds: 3600 },
  global: { count: 30, windowSeconds: 3600 },
  confirm: "never",
} as const;

type PolicyInput = z.infer<typeof policySchema>;
type ContactOverrides = { confirm?: ConfirmMode; content?: z.infer<typeof contentSchema>; duplicateWindowSeconds?: number; rateLimit?: { perContact?: Window } };

/**
 * Contact values override `policy.*`, except `deny`, where a contact's patterns add to the global
 * ones: a block list that a contact entry could shorten would be a trap.
 */
export function resolveContactPolicy(policy: PolicyInput, contact: ContactOverrides, compile: (pattern: string, name: string) => RegExp, contactPath: string): ContactPolicy {
  const content = { ...policy.content, ...contact.content };
  const deny = (patterns: readonly string[] | undefined, at: string) => (patterns ?? []).map((pattern, i) => ({ pattern: compile(pattern, `${at}[${i}]`), name: `${at}[${i}]` }));
  return {
    content: {
      secrets: content.secrets ?? DEFAULTS.secrets,
      phoneNumbers: content.phoneNumbers ?? DEFAULTS.phoneNumbers,
      deny: [...deny(policy.content.deny, "policy.content.deny"), ...deny(contact.content?.deny, `${contactPath}.content.deny`)],
      maxLength: content.maxLength ?? DEFAULTS.maxLength,
    },
    duplicateWindowSeconds: contact.duplicateWindowSeconds ?? policy.duplicateWindowSeconds ?? DEFAULTS.duplicateWindowSeconds,
    perContact: contact.rateLimit?.perContact ?? policy.rateLimit.perContact ?? DEFAULTS.perContact,
    confirm: contact.confirm ?? policy.confirm ?? DEFAULTS.confirm,
  };
}
