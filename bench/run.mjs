// `npm run bench`: every figure the issues ask for, each as a ratio to a baseline measured in the
// same run (these machines are noisy). Record results in BENCHMARKS.md with this command.
import { existsSync } from "node:fs";
import { cpus } from "node:os";

const sections = [
  ["send path", "./send-path.mjs", "benchSendPath"],
  ["send policy", "./policy.mjs", "benchPolicy"],
  ["stdio bound and audit masking", "./stdio-and-masking.mjs", "benchStdioAndMasking"],
  ["guard as a service (HTTP)", "./http.mjs", "benchHttp"],
];
if (existsSync(new URL("./guard.mjs", import.meta.url))) sections.push(["guard", "./guard.mjs", "benchGuard"], ["hook from the running server", "./hook-server.mjs", "benchHookServer"]);

// `node bench/run.mjs --quick [section]`: the issue-20 figures only, in under a minute (bench/quick.mjs).
if (process.argv[2] === "--quick") {
  await (await import("./quick.mjs")).benchQuick(process.argv.slice(3));
  process.exit(0);
}
// `node bench/run.mjs guard` runs only the sections named.
const only = process.argv.slice(2);
if (only.length > 0) sections.splice(0, sections.length, ...sections.filter(([title]) => only.includes(title)));

console.log(`openclaw-guard bench: node ${process.version}, ${cpus().length} cores, ${new Date().toISOString()}`);
for (const [title, file, fn] of sections) {
  const rows = await (await import(file))[fn]();
  console.log(`\n## ${title}`);
  for (const row of rows) {
    const ratio = row.ratio === undefined ? "" : `  ratio ${row.ratio.toFixed(2)}x`;
    console.log(`- ${row.name}: ${row.value}${row.baseline ? `  (baseline ${row.baseline})` : ""}${ratio}  goal ${row.goal}`);
  }
}
