// The chain never restarts silently (issue 13.7), survives size rotation, and a human can acknowledge
// a deliberate reset. Real files, the real store, the real `audit` command.
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { run as audit, type AckDeps } from "../../src/audit/audit-command.js";
import { createStore, GENESIS, ledgerPathFor, readAuditTail, rotatedFiles, verifyAuditLog } from "../../src/audit/store.js";
import { CLI, privateDir, readAudit } from "../helpers.js";

const fsIO = { readFile: (p: string) => readFileSync(p, "utf8"), readDir: (d: string) => readdirSync(d) };
const verify = (file: string) => verifyAuditLog(file, readAuditTail(file), fsIO);
const cli = (args: string[]) =>
  promisify(execFile)(process.execPath, [CLI, "audit", ...args]).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );

async function logWith(records: number, options: Parameters<typeof createStore>[1] = {}) {
  const dir = privateDir();
  const file = join(dir, "audit.jsonl");
  const store = createStore(file, options);
  for (let i = 0; i < records; i++) await store.record({ event: "attempt", n: i });
  return { dir, file, store };
}

function human(answer: string, interactive = true): AckDeps & { said: () => string } {
  let said = "";
  return { interactive, ask: async () => answer, out: (t) => void (said += t), user: () => "me", said: () => said };
}

describe("a log that is not where the ledger left it", () => {
  it("moved away: the next record opens with a discontinuity chained from the last known hash, and verify exits 1", async () => {
    const { dir, file, store } = await logWith(5);
    const tail = readAuditTail(file)!;
    renameSync(file, join(dir, "elsewhere.jsonl"));
    await store.record({ event: "attempt", n: 5 });
    const [reset, next] = readAudit(file);
    expect(reset).toMatchObject({ event: "discontinuity", log: "missing", expected: tail, found: null, prev: tail });
    expect(next).toMatchObject({ n: 5, prev: reset!.hash });
    expect(verify(file)).toMatchObject({ ok: false, line: 1, records: 0, resets: [reset!.hash], problem: expect.stringMatching(/discontinuity: the log was missing where the ledger expected it to continue from/) });
    const verified = await cli(["verify", "--file", file]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/broken at record 1 \(line 1\): it records a discontinuity/);
  });

  it("emptied, or replaced by an older copy or a new chain: the same, naming what was found", async () => {
    const { file, store } = await logWith(3);
    writeFileSync(file, "");
    await store.record({ event: "attempt", n: 3 });
    expect(readAudit(file)[0]).toMatchObject({ event: "discontinuity", log: "empty" });

    const older = readFileSync(file, "utf8").split("\n")[0]!;
    await store.record({ event: "attempt", n: 4 });
    writeFileSync(file, `${older}\n`); // an earlier state of the file
    await store.record({ event: "attempt", n: 5 });
    const records = readAudit(file);
    expect(records[1]).toMatchObject({ event: "discontinuity", log: "ends elsewhere", found: records[0]!.hash });
    expect(verify(file)).toMatchObject({ ok: false, resets: [records[0]!.hash, records[1]!.hash] });

    const fresh = await logWith(2);
    copyFileSync(fresh.file, file); // a different chain from the zero hash
    await store.record({ event: "attempt", n: 6 });
    expect(readAudit(file)[2]).toMatchObject({ event: "discontinuity", log: "ends elsewhere" });
  });

  it("a log cut short with no send since fails verify; so does a log deleted outright", async () => {
    const { file } = await logWith(3);
    writeFileSync(file, `${readFileSync(file, "utf8").split("\n")[0]}\n`);
    expect(verify(file)).toMatchObject({ ok: false, problem: expect.stringMatching(/cut off the end/) });
    rmSync(file);
    expect(verify(file)).toMatchObject({ ok: false, problem: expect.stringMatching(/there is no audit log/) });
    expect((await cli(["verify", "--file", file])).code).toBe(1);
  });

  it("a ledger that lags the log (killed between the two writes) is not a discontinuity", async () => {
    const { file, store } = await logWith(3);
    const ledger = JSON.parse(readFileSync(ledgerPathFor(file), "utf8"));
    writeFileSync(ledgerPathFor(file), JSON.stringify({ ...ledger, auditTail: readAudit(file)[1]!.hash }));
    await store.record({ event: "attempt", n: 3 });
    expect(readAudit(file).map((r) => r.event)).toEqual(["attempt", "attempt", "attempt", "attempt"]);
    expect(verify(file)).toEqual({ ok: true, records: 4 });
  });

  it("without a ledger (a first run) the chain starts from the zero hash, as before", async () => {
    const { file } = await logWith(1);
    expect(readAudit(file)[0]!.prev).toBe(GENESIS);
  });
});

describe("rotation by size", () => {
  it("keeps one chain across files; verify names a file edited, a middle file removed, and says when the oldest went", async () => {
    const { dir, file, store } = await logWith(40, { rotateBytes: () => 1500 });
    const rotated = rotatedFiles(file);
    expect(rotated.length).toBeGreaterThanOrEqual(3);
    expect(readAudit(file)[0]).toMatchObject({ event: "rotate", previous: basename(rotated.at(-1)!) });
    const total = [...rotated, file].reduce((n, f) => n + readAudit(f).length, 0);
    expect(verify(file)).toEqual({ ok: true, records: total, files: rotated.length + 1 });
    expect((await cli(["verify", "--file", file])).stdout).toBe(`${file}: intact, ${total} records in ${rotated.length + 1} files\n`);
    const tail = (await cli(["tail", "-n", String(readAudit(file).length + 2), "--json", "--file", file])).stdout.trim().split("\n");
    expect(tail.map((l) => JSON.parse(l).hash)).toEqual([...readAudit(rotated.at(-1)!).slice(-2), ...readAudit(file)].map((r) => r.hash));

    const middle = rotated[1]!;
    const saved = readFileSync(middle, "utf8");
    writeFileSync(middle, saved.replace('"n":', '"n":1'));
    expect(verify(file)).toMatchObject({ ok: false, file: middle, problem: expect.stringMatching(/does not match its own hash/) });
    rmSync(middle);
    expect(verify(file)).toMatchObject({ ok: false, file: rotated[2], line: 1, problem: expect.stringMatching(/does not follow the last record of .*rotated file was removed/) });
    writeFileSync(middle, saved);

    rmSync(rotated[0]!);
    expect(verify(file)).toMatchObject({ ok: true, startsAfter: basename(rotated[0]!) });
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    await store.record({ event: "attempt", n: 99 });
    expect(verify(file).ok).toBe(true);
  });

  it("a rotation interrupted after the rename continues with a rotate record, not a discontinuity", async () => {
    const { dir, file, store } = await logWith(3);
    renameSync(file, join(dir, "audit.20261129T221800123Z.jsonl"));
    await store.record({ event: "attempt", n: 3 });
    expect(readAudit(file)[0]).toMatchObject({ event: "rotate", previous: "audit.20261129T221800123Z.jsonl" });
    expect(verify(file)).toEqual({ ok: true, records: 5, files: 2 });
  });
});

describe("audit ack: a human acknowledges a deliberate reset", () => {
  it("refuses without a terminal and without the typed word; records an ack that makes verify pass", async () => {
    const { dir, file, store } = await logWith(4);
    renameSync(file, join(dir, "old.jsonl"));
    await store.record({ event: "attempt", n: 4 });

    const agent = human("ack", false);
    expect(await audit(["ack", "--file", file], agent)).toBe(1);
    expect(agent.said()).toMatch(/must be run by a human at a terminal/);
    const unsure = human("no");
    expect(await audit(["ack", "--file", file], unsure)).toBe(1);
    expect(verify(file).ok).toBe(false);

    const me = human("ack");
    expect(await audit(["ack", "--file", file, "--note", "moved to old.jsonl, ticket +27 82 123 4567"], me)).toBe(0);
    expect(me.said()).toMatch(/Recorded the acknowledgement of 1 reset\.\n.*intact, 3 records, 1 acknowledged reset\n$/);
    const ackRecord = readAudit(file).at(-1)!;
    expect(ackRecord).toMatchObject({ event: "ack", by: "me", acknowledges: [readAudit(file)[0]!.hash], note: "moved to old.jsonl, ticket +•••••••••67" });
    expect(await cli(["verify", "--file", file])).toMatchObject({ code: 0, stdout: `${file}: intact, 3 records, 1 acknowledged reset\n` });
    expect((await cli(["tail", "--file", file])).stdout).toMatch(/DISCONTINUITY \(log missing\)[\s\S]*ack .*by me: moved to old\.jsonl/);
  });

  it("records the reset itself when the log was moved and nothing was sent since; never acknowledges an edited record", async () => {
    const { dir, file } = await logWith(2);
    renameSync(file, join(dir, "old.jsonl"));
    expect(await audit(["ack", "--file", file], human("ack"))).toBe(0);
    expect(readAudit(file).map((r) => r.event)).toEqual(["discontinuity", "ack"]);
    expect(verify(file)).toMatchObject({ ok: true, acknowledged: 1 });

    writeFileSync(file, readFileSync(file, "utf8").replace('"missing"', '"empty"'));
    const edited = human("ack");
    expect(await audit(["ack", "--file", file], edited)).toBe(1);
    expect(edited.said()).toMatch(/does not match its own hash[\s\S]*Only a reset or moved log can be acknowledged/);
  });

  it("the real command refuses when stdin is not a terminal", async () => {
    const { file } = await logWith(1);
    expect(await cli(["ack", "--file", file])).toMatchObject({ code: 1, stdout: expect.stringMatching(/must be run by a human at a terminal/) });
  });
});

describe("whatever a local script does to the log between sends", () => {
  type Op = { kind: "append"; n: number } | { kind: "move" } | { kind: "empty" } | { kind: "truncate"; keep: number };
  const op = fc.oneof(
    fc.record({ kind: fc.constant("append" as const), n: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant("move" as const) }),
    fc.record({ kind: fc.constant("empty" as const) }),
    fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat({ max: 6 }) }),
  );

  it("removing any record the ledger saw fails verify after the next send; otherwise it passes; an ack settles it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops: Op[]) => {
        const { dir, file, store } = await logWith(1, { rotateBytes: () => 1200 });
        let removed = false;
        let moves = 0;
        const lineCount = () => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0);
        for (const step of ops) {
          if (step.kind === "append") for (let i = 0; i < step.n; i++) await store.record({ event: "attempt", padding: "x".repeat(100) });
          else if (lineCount() > 0 && step.kind === "move") (renameSync(file, join(dir, `moved-${moves++}.jsonl`)), (removed = true));
          else if (lineCount() > 0 && step.kind === "empty") (writeFileSync(file, ""), (removed = true));
          else if (step.kind === "truncate" && step.keep < lineCount()) {
            writeFileSync(file, readFileSync(file, "utf8").split("\n").slice(0, step.keep).map((l) => `${l}\n`).join(""));
            removed = true;
          }
        }
        await store.record({ event: "attempt", last: true });
        const result = verify(file);
        expect(result.ok).toBe(!removed);
        if (!removed) return;
        expect(result).toMatchObject({ resets: expect.any(Array) });
        expect(await audit(["ack", "--file", file], human("ack"))).toBe(0);
        expect(verify(file).ok).toBe(true);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
