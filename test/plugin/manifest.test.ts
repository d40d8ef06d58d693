// The plugin's manifests as the pinned OpenClaw 2026.9.6 reads them: openclaw.plugin.json through
// OpenClaw's own manifest loader, the version floors in package.json's `openclaw` block through its own
// min-host-version check (the one `plugins install` and ClawHub installs apply), and the fields
// OpenClaw's plugin-publishing docs list as ClawHub's baseline. The modules are internal chunks of
// the pinned package (no public export), so a version bump names the file that moved.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers.js";

const OPENCLAW = join(REPO_ROOT, ".cache/e2e/openclaw/node_modules/openclaw");
const chunk = async <T>(file: string): Promise<T> => {
  const full = join(OPENCLAW, "dist", file);
  if (!existsSync(full)) throw new Error(`${full} is missing: run scripts/setup-e2e.sh (or the pinned openclaw moved this module)`);
  return (await import(full)) as T;
};
type LoadManifest = (root: string, rejectHardlinks?: boolean) => { ok: boolean; error?: string; manifest?: { id: string; configSchema: unknown; contracts?: unknown } };
type CheckMinHost = (params: { currentVersion: string; minHostVersion: string | undefined; allowLegacyBareSemver?: boolean }) => { ok: boolean; kind?: string };

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
const pinned = (JSON.parse(readFileSync(join(OPENCLAW, "package.json"), "utf8")) as { version: string }).version;

describe("the plugin manifest, read by the pinned OpenClaw", () => {
  it("openclaw.plugin.json loads through OpenClaw's own manifest loader", async () => {
    const { r: loadPluginManifest } = await chunk<{ r: LoadManifest }>("manifest-DHkEL08H.mjs");
    const loaded = loadPluginManifest(REPO_ROOT, false);
    expect(loaded.error).toBeUndefined();
    expect(loaded).toMatchObject({ ok: true, manifest: { id: "openclaw-guard", contracts: { trustedToolPolicies: ["outbound-gate"] } } });
    // The loader rejects a manifest with no configSchema: the check above can fail.
    expect(loadPluginManifest(join(REPO_ROOT, "test"), false).ok).toBe(false);
  });

  it("declares the ClawHub baseline fields, each at the pinned gateway version", () => {
    expect(pinned).toBe("2026.9.6");
    expect(pkg.openclaw).toMatchObject({
      extensions: ["./dist/plugin/index.js"],
      compat: { pluginApi: `>=${pinned}`, minGatewayVersion: pinned },
      build: { openclawVersion: pinned, pluginSdkVersion: pinned },
      install: { npmSpec: pkg.name, minHostVersion: `>=${pinned}` },
    });
    expect(existsSync(join(REPO_ROOT, pkg.openclaw.extensions[0]))).toBe(true);
    expect(pkg.files).toContain("openclaw.plugin.json");
  });

  it("the version floors parse the way OpenClaw's installers read them: the pinned gateway passes, an older one is refused", async () => {
    const { t: checkMinHostVersion } = await chunk<{ t: CheckMinHost }>("min-host-version-DRd0HJBG.mjs");
    // plugins install / load: install.minHostVersion (">=x.y.z" only).
    expect(checkMinHostVersion({ currentVersion: pinned, minHostVersion: pkg.openclaw.install.minHostVersion })).toMatchObject({ ok: true });
    expect(checkMinHostVersion({ currentVersion: "2026.9.5", minHostVersion: pkg.openclaw.install.minHostVersion })).toMatchObject({ ok: false, kind: "incompatible" });
    // ClawHub installs: compat.minGatewayVersion, a bare version allowed.
    expect(checkMinHostVersion({ currentVersion: pinned, minHostVersion: pkg.openclaw.compat.minGatewayVersion, allowLegacyBareSemver: true })).toMatchObject({ ok: true });
    expect(checkMinHostVersion({ currentVersion: "2026.9.5", minHostVersion: pkg.openclaw.compat.minGatewayVersion, allowLegacyBareSemver: true })).toMatchObject({ ok: false, kind: "incompatible" });
  });
});
