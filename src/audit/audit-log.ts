// Append-only JSONL audit log. Each record is fsynced before the caller goes on, so the intent of a
// delivery is on disk before the delivery starts and a crash between the two leaves it visible.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export type AuditRecord = Record<string, unknown> & { event: string };

export interface AuditLog {
  append(record: AuditRecord): void;
}

export type Clock = () => Date;

export function createFileAuditLog(file: string, now: Clock = () => new Date()): AuditLog {
  return {
    append(record) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const fd = openSync(file, "a", 0o600);
      try {
        writeSync(fd, `${JSON.stringify({ time: now().toISOString(), ...record })}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
