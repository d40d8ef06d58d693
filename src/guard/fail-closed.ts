// Guard entry points fail closed: Claude Code lets a command run on any exit code but 0 and 2.
// (The global `process`, not an import of node:process: an ESM import of it creates
// process.stdin and process.stdout, which costs the hook's cold start ~3 ms.)

export const DENY_EXIT_CODE = 2;

export function failedClosed(error: unknown): string {
  return `openclaw-guard: failed closed: ${error instanceof Error ? error.message : String(error)}\n`;
}

/** From here on, a crash anywhere in the process denies instead of exiting 1. */
export function denyOnCrash(): void {
  const deny = (error: unknown) => {
    process.stderr.write(failedClosed(error));
    process.exit(DENY_EXIT_CODE);
  };
  process.on("uncaughtException", deny);
  process.on("unhandledRejection", deny);
}

/**
 * Exit 2 until the returned function records the decision, also when the event loop simply runs
 * dry first: a promise that never settles (seen with a wasm compile on Node 24) must not allow.
 */
export function denyUntilDecided(): (code: number) => void {
  let decided = false;
  process.exitCode = DENY_EXIT_CODE;
  process.on("exit", () => {
    if (!decided) process.stderr.write(failedClosed("the check ended without a decision"));
  });
  return (code) => {
    decided = true;
    process.exitCode = code;
  };
}
