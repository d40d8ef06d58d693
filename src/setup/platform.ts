// Supported platforms: Linux and macOS. The guard is a POSIX `sh` shim plus hooks that parse
// POSIX shell, and init writes POSIX paths and commands: on Windows none of it would hold.

/** Why this platform is not supported, or undefined when it is. */
export function unsupportedPlatform(platform: NodeJS.Platform): string | undefined {
  if (platform !== "win32") return undefined;
  return "Windows is not supported: the shell guard (POSIX sh shim, a hook that parses POSIX shell) and the paths init writes would not protect anything there. Use Linux or macOS.";
}
