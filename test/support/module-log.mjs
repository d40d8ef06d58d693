// `node --import test/support/module-log.mjs ...`: appends the URL of every module the process
// loads to $MODULE_LOG, for tests of what a command loads before its first request.
import { appendFileSync } from "node:fs";
import { registerHooks } from "node:module";

const log = process.env.MODULE_LOG;
if (log) {
  registerHooks({
    load(url, context, next) {
      appendFileSync(log, `${url}\n`);
      return next(url, context);
    },
  });
}
