// Pure planning helpers: JSON parsing with locations, merging our entries, quoting, client plans.
import { describe, expect, it } from "vitest";
import { claudeCode, claudeVersionWarning, denyRules, permissionPath } from "../../src/setup/clients/claude-code.js";
import { isOurHookHandler, mergeHookGroups } from "../../src/setup/clients/hook-groups.js";
import { InitError, parseJsonFile, planJsonFile, replaceOurs, shellJoin, shellQuote, type InitContext } from "../../src/setup/init-plan.js";

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
    expect(() => parseJsonFile("/s.json", text, false)).toThrow(/not valid JSON \(comments or trailing commas are not allowed/);
    expect(() => parseJsonFile("/m.json", text, true)).toThrow(/has comments or trailing commas; refusing to rewrite it/);
  });
  it("refuses a non-object top level", () => {
    expect(() => parseJsonFile("/s.json", "[]", false)).toThrow(InitError);
  });
});

describe("planJsonFile", () => {
  it("keeps the text byte for byte when nothing changes", () => {
    const text = '{"a":1,   "b":[1,2]}';
    expect(planJsonFile("f", text, { allowsComments: false }, () => []).after).toBe(text);
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
    const settings = JSON.parse(plan.files[1]!.after);
    const handler = { type: "command", command: "/usr/bin/node '/opt/my tools/openclaw-guard/dist/cli.js' hook claude-code --config /home/u/.config/openclaw-guard/config.json5", timeout: 10, onFailure: "block" };
    expect(settings.hooks.PreToolUse).toEqual([
      { matcher: "Bash", hooks: [handler] },
      { matcher: "Write|Edit|MultiEdit", hooks: [handler] },
    ]);
    expect(JSON.parse(plan.files[0]!.after)).toEqual({
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
