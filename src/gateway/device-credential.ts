// The guard's own paired-device credential for the gateway: an Ed25519 identity plus the device token
// the gateway issued when the device was approved. Unlike the shared gateway token, whose holder can
// ask for operator.admin and switch the plugin off, a device token carries only the scopes approved at
// pairing (operator.write here), and the gateway does not widen them silently (seen on 2026.9.6).
// The file is the owner's only (0600, in a 0700 directory) and never printed.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";

/** What the guard's server needs and nothing more: send (operator.write also covers operator.read). */
export const DEVICE_SCOPES = ["operator.write"] as const;
export const DEVICE_ROLE = "operator";
/**
 * The client id/mode the device connects as. A local `gateway-client`/`backend` connection skips
 * device pairing (no device token is issued), so the guard presents itself as a CLI-mode client.
 */
export const DEVICE_CLIENT = { name: "gateway-client", mode: "cli" } as const;

const credentialSchema = z.strictObject({
  version: z.literal(1),
  /** The gateway this device was paired with; the token is never sent anywhere else. */
  gatewayUrl: z.string().min(1),
  deviceId: z.string().regex(/^[0-9a-f]{64}$/),
  publicKeyPem: z.string().min(1),
  privateKeyPem: z.string().min(1),
  /** Absent until the gateway approved the device. */
  token: z.string().min(1).optional(),
  scopes: z.array(z.string()),
  pairedAt: z.string().optional(),
});

export type DeviceCredential = z.infer<typeof credentialSchema>;

/** $XDG_STATE_HOME/openclaw-guard/gateway-device.json: inside the guard's state, which the shell guard protects. */
export function defaultDeviceCredentialFile(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || "/", ".local", "state");
  return join(base, "openclaw-guard", "gateway-device.json");
}

// The raw 32-byte key sits after this fixed SPKI header; OpenClaw derives the device id from it.
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

function rawPublicKey(publicKeyPem: string): Buffer {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return der.subarray(ED25519_SPKI_PREFIX.length);
}

/** A fresh, not yet paired credential for `gatewayUrl`. */
export function createDeviceCredential(gatewayUrl: string): DeviceCredential {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return { version: 1, gatewayUrl, deviceId: createHash("sha256").update(rawPublicKey(publicKeyPem)).digest("hex"), publicKeyPem, privateKeyPem, scopes: [] };
}

/** The signing callbacks @openclaw/gateway-client needs for device authentication. */
export const deviceSigning = {
  signDevicePayload: (privateKeyPem: string, payload: string): string => sign(null, Buffer.from(payload, "utf8"), createPrivateKey(privateKeyPem)).toString("base64url"),
  publicKeyRawBase64UrlFromPem: (publicKeyPem: string): string => rawPublicKey(publicKeyPem).toString("base64url"),
};

export type DeviceCredentialRead = { file: string; credential?: DeviceCredential; error?: string };

/** Missing is not an error (pairing is optional); unreadable or malformed is reported, never thrown. */
export function readDeviceCredential(file: string, read: (path: string) => string = (p) => readFileSync(p, "utf8")): DeviceCredentialRead {
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? { file } : { file, error: `cannot read ${file} (${code ?? String(error)})` };
  }
  try {
    const parsed = credentialSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { file, credential: parsed.data };
  } catch {
    // reported below, without echoing the text (it holds a private key)
  }
  return { file, error: `${file} is not a valid openclaw-guard device credential; remove it and pair again (openclaw-guard init openclaw --pair)` };
}

/** Atomic write, 0600 in a 0700 directory. */
export function writeDeviceCredential(file: string, credential: DeviceCredential): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, `${JSON.stringify(credential, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Same gateway, spelled the same way after URL parsing (ws://localhost:1/ and ws://localhost:1 match). */
export function sameGateway(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}
