// Pure planning helpers: JSON parsing with locations, merging our entries, quoting, client plans.
import { describe, expect, it } from "vitest";
import { claudeCode, claudeVersionWarning, denyRules } from "../../src/setup/clients/claude-code.js";
import { permissionPath } from "../../src/setup/clients/claude-sandbox.js";
import { isOurHookHandler, mergeHookGroups } from "../../src/setup/clients/hook-groups.js";
import { InitError, mergeEntry, json5Features, parseJsonFile, planJsonFile, replaceOurs, shellJoin, shellQuote, type InitContext } from "../../src/setup/init-plan.js";

const context: InitContext = {
  home: "/home/u",
  cwd: "/home/u/repo",
  scope: "user",
  node: "/usr/bin/node",
  cli: "/opt/my tools/openclaw-guard/dist/cli.js",
  config: "/home/u/.config/openclaw-guard/config.json5",
  platform: "linux",
  env: {},
};

describe("parseJsonFile", () => {
  it("treats a missing or empty file as {}", () => {
    expect(parseJsonFile("f", undefined, false).value).toEqual({});
    expect(parseJsonFile("f", " \n", false).value).toEqual({});
  });
  it("names line and column of a syntax error", () => {
    expect(() => parseJsonFile("/s.json", '{\n  "a": 1,\n  "b": ]\n}', false)).toThrow(/^\/s\.json:3:8: not valid JSON/);
  });
  it("tells comments apart from syntax errors, per file kind", () => {
    const text = '{\n  // hi\n  "a": 1\n}';
    expect(() => parseJsonFile("/s.json", text, false)).toThrow(/not valid JSON \(comments: JSON5 is not allowed in this file\)/);
    expect(() => parseJsonFile("/m.json", text, true)).toThrow(/is JSON5, not JSON \(comments\); refusing to rewrite it/);
  });
  it("names what makes the file JSON5, not a guess (an unquoted key is not a comment)", () => {
    const cases: [string, string][] = [
      ["{\n  gateway: { port: 1 }\n}", "unquoted keys"],
      ['{ "a": [1, 2,], }', "trailing commas"],
      ["{ 'a': 'b' }", "single-quoted strings"],
      ['{ /* c */ a: 1, // d\n}', "comments, unquoted keys, trailing commas"],
      ['{ "a": 0x10 }', "other JSON5 syntax (hex numbers, Infinity, NaN, a leading + or .)"],
      ['{ "u": "x//y, }", b: 1 }', "unquoted keys"],
    ];
    for (const [text, found] of cases) {
      expect(json5Features(text)).toBe(found);
      expect(() => parseJsonFile("/o.json", text, true)).toThrow(`is JSON5, not JSON (${found})`);
    }
  });
  it("refuses a non-object top level", () => {
    expect(() => parseJsonFile("/s.json", "[]", false)).toThrow(InitError);
  });
  it.each([
    ['{\n  "id": 12345678901234567890\n}', /^\/s\.json:2:9: the number 12345678901234567890 would change when rewritten .*; refusing to rewrite it\. Fix it/],
    ['{"a": [1, -9007199254740993]}', /^\/s\.json:1:11: the number -9007199254740993 would change/],
    ['{"a": 1e400}', /^\/s\.json:1:7: the number 1e400 would change/],
    ['{\n  "a": 1,\n  "b": {"a": 2},\n  "a": 3\n}', /^\/s\.json:4:3: duplicate key "a" \(only the last one would be kept\); refusing to rewrite it/],
    ['{"x": {"\\u0061": 1, "a": 2}}', /^\/s\.json:1:21: duplicate key "a"/],
  ])("refuses what a rewrite would silently change: %j", (text, message) => {
    expect(() => parseJsonFile("/s.json", text, false)).toThrow(message);
  });
  it("accepts the same key in different objects, numbers in strings, safe integers and floats", () => {
    const text = '{"a": {"a": "a"}, "b": [{"a": 1}, {"a": 2}], "c": "12345678901234567890", "d": 9007199254740991, "e": -1.5e300, "f": [], "g": {}}';
    expect(parseJsonFile("/s.json", text, false).value).toEqual(JSON.parse(text));
  });
});

describe("planJsonFile", () => {
  const addB = (json: Record<string, unknown>) => {
    json.b = 2;
    return [];
  };
  it("keeps the text byte for byte when nothing changes", () => {
    const text = '{"a":1,   "b":[1,2]}';
    expect(planJsonFile("f", text, { allowsComments: false }, () => []).after).toBe(text);
  });
  it("accepts a UTF-8 byte order mark and keeps it", () => {
    const text = '\uFEFF{\n  "a": 1\n}\n';
    expect(planJsonFile("f", text, { allowsComments: true }, () => []).after).toBe(text);
    expect(planJsonFile("f", text, { allowsComments: true }, addB).after).toBe('\uFEFF{\n  "a": 1,\n  "b": 2\n}\n');
  });
  it("keeps CRLF line endings", () => {
    expect(planJsonFile("f", '{\r\n    "a": "x\\ny"\r\n}\r\n', { allowsComments: false }, addB).after).toBe('{\r\n    "a": "x\\ny",\r\n    "b": 2\r\n}\r\n');
  });
});

describe("mergeEntry", () => {
  it("sets only our keys, adds missing defaults, and keeps the user's other keys in their order", () => {
    const servers: Record<string, unknown> = { "openclaw-guard": { env: { OPENCLAW_GATEWAY_TOKEN: "t" }, command: "/old", timeout: 5, args: ["/old"] } };
    const summary = mergeEntry(servers, "openclaw-guard", { type: "stdio", command: "/n", args: ["/c"] }, { env: {} }, "label");
    expect(servers["openclaw-guard"]).toEqual({ env: { OPENCLAW_GATEWAY_TOKEN: "t" }, command: "/n", timeout: 5, args: ["/c"], type: "stdio" });
    expect(Object.keys(servers["openclaw-guard"] as object)).toEqual(["env", "command", "timeout", "args", "type"]);
    expect(summary).toBe("~ label (changed: type, command, args; kept: env, timeout)");
    expect(mergeEntry(servers, "openclaw-guard", { type: "stdio", command: "/n", args: ["/c"] }, { env: {} }, "label")).toBe("= label unchanged");
  });
  it("creates the entry, and replaces one that is not an object", () => {
    const servers: Record<string, unknown> = { other: 1 };
    expect(mergeEntry(servers, "openclaw-guard", { command: "/n" }, { env: {} }, "label")).toBe("+ label");
    expect(servers["openclaw-guard"]).toEqual({ command: "/n", env: {} });
    servers["openclaw-guard"] = "junk";
    expect(mergeEntry(servers, "openclaw-guard", { command: "/n" }, {}, "label")).toMatch(/^~ label/);
    expect(servers).toEqual({ other: 1, "openclaw-guard": { command: "/n" } });
  });
});

describe("replaceOurs", () => {
  const ours = (x: unknown) => typeof x === "string" && x.startsWith("ours");
  it("keeps the position of the first of ours, drops extra copies, keeps the rest in order", () => {
    const list = ["a", "ours-old", "b", "ours-dup", "c"];
    const summary = replaceOurs(list, ours, ["ours-new"], (x) => x);
    expect(list).toEqual(["a", "ours-new", "b", "c"]);
    expect(summary).toEqual(["~ ours-new (replaced ours)", "- 1 stale openclaw-guard entry removed"]);
  });
  it("appends when none of ours is there and reports unchanged when it is", () => {
    const list = ["a"];
    expect(replaceOurs(list, ours, ["ours-1"], (x) => x)).toEqual(["+ ours-1"]);
    expect(replaceOurs(list, ours, ["ours-1"], (x) => x)).toEqual(["= ours-1 unchanged"]);
    expect(list).toEqual(["a", "ours-1"]);
  });
});

describe("mergeHookGroups", () => {
  it("moves our handler out of a group it shares with someone else's", () => {
    const ourCommand = "/usr/bin/node /x/dist/cli.js hook claude-code";
    const settings = { hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "/bin/mine" }, { type: "command", command: ourCommand }] }] } };
    const summary = mergeHookGroups("f", settings, ["hooks", "PreToolUse"], [{ matcher: "Bash", hooks: [{ type: "command", command: ourCommand }] }]);
    expect(settings.hooks.PreToolUse).toEqual([
      { matcher: "Bash", hooks: [{ type: "command", command: "/bin/mine" }] },
      { matcher: "Bash", hooks: [{ type: "command", command: ourCommand }] },
    ]);
    expect(summary).toContain("+ hooks.PreToolUse[Bash]");
  });
  it("recognises our handler from a checkout, npx or a global install, and nothing else", () => {
    expect(isOurHookHandler({ command: "node /a/dist/cli.js hook claude-code --config /c" })).toBe(true);
    expect(isOurHookHandler({ command: "npx openclaw-guard hook claude-code" })).toBe(true);
    expect(isOurHookHandler({ command: "/usr/bin/node --liftoff-only /a/dist/guard/hook-main.cjs hook claude-code --config /c" })).toBe(true);
    expect(isOurHookHandler({ command: "/bin/other-guard hook claude-code" })).toBe(false);
    expect(isOurHookHandler({ command: "openclaw-guard check-command" })).toBe(false);
  });
  it("refuses when the event is not an array", () => {
    expect(() => mergeHookGroups("/s.json", { hooks: { PreToolUse: {} } }, ["hooks", "PreToolUse"], [])).toThrow(/"hooks\.PreToolUse" is not an array/);
  });
});

describe("commands and rules", () => {
  it("quotes only what needs quoting", () => {
    expect(shellQuote("/usr/bin/node")).toBe("/usr/bin/node");
    expect(shellQuote("/opt/my tools/x")).toBe("'/opt/my tools/x'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellJoin(["a", ""])).toBe("a ''");
  });
  it("writes permission paths the way Claude Code reads them", () => {
    expect(permissionPath("/home/u/.config/x.json5", "/home/u")).toBe("~/.config/x.json5");
    expect(permissionPath("/etc/ocg/config.json5", "/home/u")).toBe("//etc/ocg/config.json5");
    expect(denyRules(context)).toEqual([
      "Bash(openclaw message *)",
      "Bash(openclaw message:*)",
      "Read(~/.openclaw/**)",
      "Edit(~/.openclaw/**)",
      "Read(~/.config/openclaw-guard/config.json5)",
      "Edit(~/.config/openclaw-guard/config.json5)",
    ]);
  });
  it("installs a hook that fails closed, with a short timeout, for Bash and for file writes", () => {
    const plan = claudeCode.plan(context, () => undefined);
    const shims = ["openclaw", "clawdbot", "moltbot"].map((name) => `/home/u/.local/share/openclaw-guard/bin/${name}`);
    expect(plan.files.map((f) => f.path)).toEqual([...shims, "/home/u/.claude/settings.json", "/home/u/.claude.json"]); // the guard is written first
    const settings = JSON.parse(plan.files[3]!.after);
    const handler = { type: "command", command: "/usr/bin/node --liftoff-only '/opt/my tools/openclaw-guard/dist/guard/hook-main.cjs' hook claude-code --config /home/u/.config/openclaw-guard/config.json5", timeout: 10, onFailure: "block" };
    expect(settings.hooks.PreToolUse).toEqual([
      { matcher: "Bash", hooks: [handler] },
      { matcher: "Write|Edit|MultiEdit|NotebookEdit", hooks: [handler] },
    ]);
    expect(JSON.parse(plan.files[4]!.after)).toEqual({
      mcpServers: { "openclaw-guard": { type: "stdio", command: "/usr/bin/node", args: [context.cli, "serve", "--config", context.config], env: {} } },
    });
  });
  it("compares Claude Code versions numerically", () => {
    expect(claudeVersionWarning("2.1.330 (Claude Code)")).toBeUndefined();
    expect(claudeVersionWarning("2.1.295 (Claude Code)")).toBeUndefined();
    expect(claudeVersionWarning("2.1.99 (Claude Code)")).toMatch(/older than 2\.1\.295/);
    expect(claudeVersionWarning("1.9.999")).toMatch(/older/);
    expect(claudeVersionWarning("10.0.0")).toBeUndefined();
    expect(claudeVersionWarning("garbage")).toMatch(/could not read a version/);
  });
});
