// System users for the suites that run parts as another uid (root only). The e2e files run in
// parallel, and useradd, usermod and userdel take /etc/passwd's lock: one that finds it held fails
// ("cannot lock /etc/passwd; try again later"), so each is retried while that is the reason.
import { execFileSync } from "node:child_process";

function userDatabase(argv: [string, ...string[]]): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
      return;
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? "").trim();
      if (attempt >= 40 || !/lock/i.test(stderr)) throw new Error(`${argv.join(" ")} failed: ${stderr || (error as Error).message}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
}

const idOf = (flag: "-u" | "-g", name: string) => Number(execFileSync("id", [flag, name], { encoding: "utf8" }));

/** Creates the user (no home made; `home` only recorded) or, when it exists, points its home at `home`. */
export function ensureSystemUser(name: string, options: { home?: string; userGroup?: boolean } = {}): { uid: number; gid: number } {
  let exists = true;
  try {
    execFileSync("id", ["-u", name], { stdio: "ignore" });
  } catch {
    exists = false;
  }
  if (exists && options.home) userDatabase(["usermod", "--home", options.home, name]);
  if (!exists) userDatabase(["useradd", "--system", ...(options.userGroup ? ["--user-group"] : []), "--no-create-home", ...(options.home ? ["--home-dir", options.home] : []), "--shell", "/bin/sh", name]);
  return { uid: idOf("-u", name), gid: idOf("-g", name) };
}

export function deleteUser(name: string): void {
  userDatabase(["userdel", name]);
}
