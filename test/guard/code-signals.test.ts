import { describe, expect, it } from "vitest";
import { filesReadBySpawningCode, mentionsGateway, mentionsOpenclaw, riskyCode } from "../../src/guard/code-signals.js";

describe("markers", () => {
  it("sees OpenClaw in names, ports and config keys, but not in our own name", () => {
    expect(mentionsOpenclaw("X=open; ${X}claw")).toBe(true);
    expect(mentionsOpenclaw("curl localhost:18789")).toBe(true);
    expect(mentionsOpenclaw("echo $OPENCLAW_GATEWAY_TOKEN")).toBe(true);
    expect(mentionsOpenclaw("openclaw-guard list-contacts")).toBe(false);
    expect(mentionsOpenclaw("git status")).toBe(false);
  });

  it("tells the gateway apart from the package name", () => {
    expect(mentionsGateway("ws://127.0.0.1:18789")).toBe(true);
    expect(mentionsGateway("cat ~/.openclaw/openclaw.json")).toBe(true);
    expect(mentionsGateway("https://registry.npmjs.org/openclaw")).toBe(false);
  });
});

describe("riskyCode", () => {
  it.each([
    [`import subprocess; subprocess.run(["openclaw","message","send"])`, /starts a process/],
    [`require('child_process').execFileSync(process.env.HOME+'/bin/'+'open'+'claw',[])`, /starts a process/],
    [`exec "openclaw", "message", "send"`, /starts a process/],
    [`const ws=new (require('ws'))('ws://127.0.0.1:18789')`, /network connection/],
    [`import('openclaw/dist/index.js').then(m=>0)`, /library/],
    [`from openclaw import client`, /library/],
  ])("flags %s", (code, reason) => {
    expect(riskyCode(code)).toMatch(reason);
  });

  it.each([
    `print('openclaw')`,
    `import subprocess; subprocess.run(["ls"])`,
    `console.log(require('./package.json').name)`,
    `require('openclaw-guard')`,
  ])("leaves ordinary code alone: %s", (code) => {
    expect(riskyCode(code)).toBeUndefined();
  });
});

describe("filesReadBySpawningCode (issue 21: code that runs a file's text)", () => {
  it.each([
    ["import os; os.system(open('notes').read())", ["notes"], false],
    ['open F,"/tmp/c"; system(<F>)', ["/tmp/c"], false],
    // open( with a variable first also reads as a computed name: it only counts in a command that mentions OpenClaw.
    ['open(my $f, "<", "/tmp/c"); system(<$f>)', ["/tmp/c"], true],
    ["require('child_process').execSync(require('fs').readFileSync(p, 'utf8'))", [], true],
    ["import subprocess; f = open(path, 'r'); subprocess.run(f.read(), shell=True)", [], true],
  ])("finds the files %j reads", (code, files, computed) => {
    expect(filesReadBySpawningCode(code)).toEqual({ files, computed });
  });

  it.each(["print(open('README.md').read())", "import json; json.load(open('package.json'))", "subprocess.run(['ls'])"])("nothing for %j (no file read, or no process started)", (code) => {
    expect(filesReadBySpawningCode(code)).toBeUndefined();
  });
});
