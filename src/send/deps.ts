// Wires the pipeline to the real file system, transports and audit log for the CLI entry points.
import { createFileAuditLog, type AuditLog } from "../audit/audit-log.js";
import { defaultAuditFile, loadConfig, type Config } from "../contacts/config.js";
import { createConfigSource } from "../contacts/config-source.js";
import { createTransport } from "../gateway/create-transport.js";
import type { Transport } from "../gateway/transport.js";
import type { SendDeps } from "./pipeline.js";

/** One transport per distinct `openclaw` section: an edited config gets a fresh one, an unchanged one reuses it. */
export function createSendDeps(configPath: string, env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): SendDeps {
  const transports = new Map<string, Transport>();
  const audits = new Map<string, AuditLog>();
  return {
    config: createConfigSource(configPath, (path) => loadConfig(path, env)),
    transportFor(config: Config) {
      const key = JSON.stringify(config.openclaw);
      let transport = transports.get(key);
      if (!transport) {
        transport = createTransport(config.openclaw, env);
        transports.set(key, transport);
      }
      return transport;
    },
    auditFor(config: Config | undefined) {
      const file = config?.audit.file ?? defaultAuditFile(env);
      let audit = audits.get(file);
      if (!audit) {
        audit = createFileAuditLog(file);
        audits.set(file, audit);
      }
      return audit;
    },
    warn,
  };
}
