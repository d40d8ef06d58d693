// Issue 13 figures: what discarding an oversized stdio line costs (against the SDK's own read buffer
// handling a line just under its 10 MiB cap), and what masking numbers by Unicode class costs per
// audit field (against the ASCII-only regex it replaced). Both baselines run interleaved, same run.
import { PassThrough } from "node:stream";
import { ReadBuffer } from "@modelcontextprotocol/sdk/shared/stdio.js";
import { redactInput, redactText } from "../dist/audit/redact.js";
import { BoundedStdioServerTransport } from "../dist/mcp/bounded-stdio.js";
import { fmt, interleaved, median } from "./stats.mjs";

const CHUNK = 65536;

function chunksOf(line) {
  const buffer = Buffer.from(line);
  const chunks = [];
  for (let at = 0; at < buffer.length; at += CHUNK) chunks.push(buffer.subarray(at, at + CHUNK));
  return chunks;
}

/** A tools/call the way the SDK client writes it: the id after the params. */
const call = (bytes) => `{"method":"tools/call","params":{"name":"send_message","arguments":{"to":"ops","message":"${"x".repeat(bytes)}"}},"jsonrpc":"2.0","id":7}\n`;

function discardWithBoundedTransport(chunks) {
  const stdin = new PassThrough();
  let answered = false;
  const stdout = { write: () => (answered = true) };
  const transport = new BoundedStdioServerTransport(stdin, stdout, {});
  transport.start();
  for (const chunk of chunks) stdin.emit("data", chunk);
  if (!answered) throw new Error("no answer");
}

function parseWithSdkReadBuffer(chunks) {
  const buffer = new ReadBuffer();
  for (const chunk of chunks) buffer.append(chunk);
  if (buffer.readMessage() === null) throw new Error("no message");
}

/** The mask before issue 13: ASCII digits and a few separators only. */
const OLD_RUN = /\+?\d(?:[\s().-]*\d){5,}/g;
const oldMask = (text) => text.replace(OLD_RUN, (run) => "•".repeat(run.replace(/\D/g, "").length - 2) + run.replace(/\D/g, "").slice(-2));

const FIELDS = [
  "The gateway refused the send: chat -1001234567890 not found (400 Bad Request) at 2026-11-29T22:12:16.123Z",
  "+27 82 123 4567",
  "ops-team",
  "Ｔａｒｇｅｔ ＋２７８２１２３４５６７ ｎｏｔ ｉｎ ａｌｌｏｗＦｒｏｍ",
];

export async function benchStdioAndMasking() {
  const under = chunksOf(call(9 * 1024 * 1024));
  const over = chunksOf(call(50 * 1024 * 1024));
  const [bounded9, sdk9] = await interleaved(8, () => discardWithBoundedTransport(under), () => parseWithSdkReadBuffer(under));
  const [bounded50] = await interleaved(4, () => discardWithBoundedTransport(over), () => {});

  const rounds = 2000;
  const [masked, old] = await interleaved(
    20,
    () => {
      for (let i = 0; i < rounds; i++) for (const f of FIELDS) redactText(f), redactInput(f);
    },
    () => {
      for (let i = 0; i < rounds; i++) for (const f of FIELDS) oldMask(f), oldMask(f);
    },
  );
  const perField = (ms) => `${((ms * 1000) / (rounds * FIELDS.length * 2)).toFixed(2)} µs`;
  return [
    { name: "9 MiB tools/call line: discarded (streaming id scan, answer)", value: fmt(median(bounded9)), baseline: `${fmt(median(sdk9))} SDK ReadBuffer buffering and parsing the same line`, ratio: median(bounded9) / median(sdk9), goal: "<= 1x (the SDK's cost for a line it still accepts)" },
    { name: "50 MiB tools/call line: discarded", value: fmt(median(bounded50)), baseline: "(the SDK closes the connection past 10 MiB)", goal: "(report)" },
    { name: "masking one audit field (Unicode digits, any separators)", value: perField(median(masked)), baseline: `${perField(median(old))} the ASCII-only regex it replaced`, ratio: median(masked) / median(old), goal: "negligible next to the ~1 ms audit append" },
  ];
}
