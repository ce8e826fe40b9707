import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";

/** One line of the audit log: who changed what, where, and how it went. */
export interface AuditEntry {
  time: string;
  /** The Matrix identity that made the change (never a token). */
  actor: string;
  agency: string;
  spec: string;
  /** The spec's key for the room, and its Matrix room id when known. */
  room: string;
  roomId?: string;
  action: string;
  target?: string;
  result: "ok" | "error";
  error?: { code: string; message: string };
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

/** Appends JSON lines; each entry is one `write` in append mode, so lines never interleave. */
export class JsonlAuditLog implements AuditLog {
  private ready: Promise<unknown> | undefined;
  constructor(readonly file: string) {}

  async record(entry: AuditEntry): Promise<void> {
    this.ready ??= mkdir(path.dirname(this.file), { recursive: true });
    await this.ready;
    await appendFile(this.file, JSON.stringify(entry) + "\n", { mode: 0o600 });
  }
}

export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async record(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}
