// The one handler table: program name -> what the analyser does with its arguments. Adding a
// program is one entry in its family's module (and a corpus line or test).
import { interpreterHandlers } from "./interpreters.js";
import { launcherHandlers } from "./launchers.js";
import { openclawHandlers } from "./openclaw.js";
import { runnerHandlers } from "./runners.js";
import { shellHandlers } from "./shells.js";
import type { HandlerTable } from "./types.js";
import { writerHandlers } from "./writers.js";

export const commandHandlers: HandlerTable = {
  ...launcherHandlers,
  ...shellHandlers,
  ...interpreterHandlers,
  ...runnerHandlers,
  ...writerHandlers,
  ...openclawHandlers,
};
