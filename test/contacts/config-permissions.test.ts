// The user-private-group rule (OpenSSH's): group-write is harmless only when nobody else is in the group.
import { describe, expect, it } from "vitest";
import { configPermissionProblem, ownersPrivateGroup, type FileOwner, type PermissionDeps } from "../../src/contacts/config-permissions.js";

const PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\nbob:x:1001:100::/home/bob:/bin/sh\n";
const GROUP = "root:x:0:\nalice:x:1000:\nusers:x:100:alice\n";
const files = (passwd = PASSWD, group = GROUP) => (path: string) => (path === "/etc/passwd" ? passwd : group);

function deps(file: FileOwner, dir: FileOwner, passwd = PASSWD, group = GROUP): PermissionDeps {
  return { stat: (p) => (p.endsWith(".json5") ? file : dir), readSystemFile: files(passwd, group), uid: 1000 };
}
const own = (mode: number, gid = 1000): FileOwner => ({ mode, uid: 1000, gid });
const PATH = "/home/alice/.config/openclaw-guard/config.json5";
const DIR = "/home/alice/.config/openclaw-guard";

describe("ownersPrivateGroup", () => {
  it("is true for the owner's primary group named like the owner, with no other members", () => {
    expect(ownersPrivateGroup({ uid: 1000, gid: 1000 }, files())).toBe(true);
    expect(ownersPrivateGroup({ uid: 0, gid: 0 }, files())).toBe(true);
    expect(ownersPrivateGroup({ uid: 1000, gid: 1000 }, files(PASSWD, GROUP.replace("alice:x:1000:", "alice:x:1000:alice")))).toBe(true);
  });

  it("is false for a shared group, a listed member, another account's primary group, or a name mismatch", () => {
    expect(ownersPrivateGroup({ uid: 1000, gid: 100 }, files())).toBe(false); // not alice's primary group
    expect(ownersPrivateGroup({ uid: 1001, gid: 100 }, files())).toBe(false); // "users" is not named bob
    expect(ownersPrivateGroup({ uid: 1000, gid: 1000 }, files(PASSWD, GROUP.replace("alice:x:1000:", "alice:x:1000:mallory")))).toBe(false);
    expect(ownersPrivateGroup({ uid: 1000, gid: 1000 }, files(`${PASSWD}mallory:x:1002:1000::/home/m:/bin/sh\n`))).toBe(false);
    expect(ownersPrivateGroup({ uid: 1000, gid: 1000 }, files(PASSWD, GROUP.replace("alice:x:1000:", "staff:x:1000:")))).toBe(false);
    expect(ownersPrivateGroup({ uid: 1000, gid: 1000 }, files(PASSWD, `${GROUP}alice2:x:1000:\n`))).toBe(false); // two names for the gid
  });

  it("is false when the account files cannot confirm it (unreadable, NIS includes, unknown owner)", () => {
    expect(ownersPrivateGroup({ uid: 1000, gid: 1000 }, () => { throw new Error("EACCES"); })).toBe(false);
    expect(ownersPrivateGroup({ uid: 1000, gid: 1000 }, files(`${PASSWD}+::::::\n`))).toBe(false);
    expect(ownersPrivateGroup({ uid: 4242, gid: 1000 }, files())).toBe(false);
  });
});

describe("configPermissionProblem", () => {
  it("accepts what umask 002 with a private group produces (664 file, 775 directory)", () => {
    expect(configPermissionProblem(PATH, files(), deps(own(0o664), own(0o775)))).toBeUndefined();
    expect(configPermissionProblem(PATH, files(), deps(own(0o600), own(0o700)))).toBeUndefined();
  });

  it("refuses world-write always, and group-write for a shared group, naming one command for both", () => {
    expect(configPermissionProblem(PATH, files(), deps(own(0o666), own(0o700)))).toBe(
      `${PATH}: the config file is writable by other users (mode 666), so they could add a recipient. Fix: chmod go-w "${PATH}"`,
    );
    const shared = configPermissionProblem(PATH, files(), deps(own(0o664, 100), own(0o775, 100)));
    expect(shared).toMatch(/config file is writable by other users \(its group is not the owner's private group\) \(mode 664\)/);
    expect(shared).toMatch(new RegExp(`Fix: chmod go-w "${PATH}" "${DIR}"$`));
    expect(configPermissionProblem(PATH, files(), deps(own(0o600), own(0o777)))).toMatch(/config directory is writable by other users \(mode 777\).*Fix: chmod go-w "[^"]+"$/);
  });

  it("lets a sticky directory be world-writable, and refuses another user's file", () => {
    expect(configPermissionProblem(PATH, files(), deps(own(0o600), own(0o1777)))).toBeUndefined();
    expect(configPermissionProblem(PATH, files(), deps({ mode: 0o600, uid: 1001, gid: 100 }, own(0o700)))).toMatch(/belongs to another user \(uid 1001\)/);
  });
});
