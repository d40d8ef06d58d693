// A process that appends to one audit store from many concurrent writers, for the group-commit
// tests: `node audit-writer.mjs <audit file> <tag> <writers> <records per writer> [limit]`.
// Prints `ack <tag> <writer> <n>` on stdout once each record is acknowledged (durable). With a
// limit, each record is also a reservation that is made only while fewer than `limit` exist,
// printing `reserved` or `refused`: the cross-process exactness check.
import { createStore } from "../../dist/audit/store.js";

const [file, tag, writers, perWriter, limit] = process.argv.slice(2);
const store = createStore(file);
let id = 0;
await Promise.all(
  Array.from({ length: Number(writers) }, async (_, w) => {
    for (let n = 0; n < Number(perWriter); n++) {
      if (limit === undefined) {
        await store.record({ event: "attempt", tag, w, n });
        process.stdout.write(`ack ${tag} ${w} ${n}\n`);
        continue;
      }
      const reserved = await store.transact((ledger) => {
        const ok = ledger.entries.length < Number(limit);
        const entry = { id: `${tag}-${id++}`, alias: "ops", textSha256: "h", at: Date.now() };
        return { result: ok, records: [{ event: "attempt", tag, w, n, decision: ok ? "allow" : "deny" }], ...(ok ? { reserve: entry } : {}) };
      });
      process.stdout.write(`${reserved ? "reserved" : "refused"} ${tag} ${w} ${n}\n`);
    }
  }),
);
