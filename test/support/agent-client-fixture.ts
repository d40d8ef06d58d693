// What the Codex and Gemini CLI suites share: a fresh root with HOME, a project directory, a fake
// `openclaw` that only records its argv, and a dry-run address book whose audit log is read back.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect } from "vitest";
import type { NetnsResult } from "./netns-run.ts";

export const NUMBER = "+15551234567";

/** The raw send in its plain and disguised forms; `bin` is where the fake openclaw lives (absolute-path form). */
export function hostileForms(bin: string): string[] {
  return [
    `openclaw message send --target ${NUMBER} --message hi`,
    `sh -c 'openclaw message send --target ${NUMBER} --message hi'`,
    `bash -c 'openclaw message send --target ${NUMBER} --message hi'`,
    `env openclaw message send --target ${NUMBER} --message hi`,
    `${bin}/openclaw message send --target ${NUMBER} --message hi`,
    `openclaw --profile x message send --target ${NUMBER} --message hi`,
  ];
}

export interface ClientFixture {
  root: string;
  home: string;
  cwd: string;
  bin: string;
  /** The argv of every run of the fake openclaw, in order. */
  ranOpenclaw(): Promise<string[]>;
  auditRecords(): Promise<Record<string, unknown>[]>;
  remove(): Promise<void>;
}

export async function clientFixture(name: string): Promise<ClientFixture> {
  const root = await mkdtemp(join(tmpdir(), `ocg-${name}-e2e-`));
  const [home, cwd, bin] = [join(root, "home"), join(root, "work"), join(root, "bin")];
  const marker = join(root, "openclaw-ran.log");
  const audit = join(home, "state", "audit.jsonl");
  await Promise.all([mkdir(join(home, ".config", "openclaw-guard"), { recursive: true }), mkdir(cwd), mkdir(bin)]);
  // A refused command must leave no line here.
  await writeFile(join(bin, "openclaw"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${marker}'\n`);
  await chmod(join(bin, "openclaw"), 0o755);
  await writeFile(marker, "");
  await writeFile(
    join(home, ".config", "openclaw-guard", "config.json5"),
    JSON.stringify({
      openclaw: { transport: "dry-run" },
      contacts: { alice: { channel: "whatsapp", target: "+27821234567", description: "Alice" }, ops: { channel: "telegram", target: "-1001234567890" } },
      audit: { file: audit },
    }),
    { mode: 0o600 },
  );
  return {
    root,
    home,
    cwd,
    bin,
    ranOpenclaw: async () => (await readFile(marker, "utf8")).split("\n").filter(Boolean),
    auditRecords: async () => (await readFile(audit, "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** A fresh fixture for each test of the file (after `prepare`), removed afterwards; call the result inside tests. */
export function useClientFixture(name: string, prepare: (fixture: ClientFixture) => Promise<void> = async () => {}): () => ClientFixture {
  let current: ClientFixture | undefined;
  beforeEach(async () => {
    current = await clientFixture(name);
    await prepare(current);
  });
  afterEach(() => current?.remove());
  return () => {
    if (current === undefined) throw new Error("the client fixture exists only inside a test");
    return current;
  };
}

/** The checks of a `doctor --json` step, by id. */
export function doctorChecks(result: NetnsResult, step: number): Record<string, { status: string; summary: string; fix?: string }> {
  const report = JSON.parse(result.steps[step]!.stdout) as { checks: { id: string; status: string; summary: string; fix?: string }[] };
  return Object.fromEntries(report.checks.map((c) => [c.id, c]));
}

/** One dry-run delivery to alice, and the number refused and recorded masked: never in full. */
export function expectOneDeliveryAndMaskedRefusal(records: Record<string, unknown>[]): void {
  expect(records.filter((r) => r.event === "outcome")).toEqual([expect.objectContaining({ to: "alice", status: "sent", dryRun: true })]);
  expect(records.filter((r) => r.event === "attempt" && r.transport === "dry-run")).toHaveLength(1);
  expect(records.find((r) => r.decision === "refuse")).toMatchObject({ status: "refused", to: "+•••••••••67" });
  expect(JSON.stringify(records)).not.toContain(NUMBER.slice(1));
}
