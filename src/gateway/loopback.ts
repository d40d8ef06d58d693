// Whether a host name or address stays on this machine: where a token may travel without TLS.
import { isIP } from "node:net";

/** `127.0.0.0/8`, `::1` and `localhost`; "127.0.0.1.example.com" is not (a name, not an address). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "localhost" || bare === "::1") return true;
  return isIP(bare) === 4 && bare.startsWith("127.");
}

export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
