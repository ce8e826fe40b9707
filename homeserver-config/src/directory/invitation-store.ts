import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { InvitationRecord, InvitationStore } from "./ports.ts";

/**
 * Invitations in one JSON file, rewritten atomically (temp file + rename) so a crash never
 * loses the ones already recorded. Enough for the local stack; production would use a DB.
 */
export class JsonFileInvitationStore implements InvitationStore {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly file: string) {}

  private async load(): Promise<InvitationRecord[]> {
    const text = await readFile(this.file, "utf8").catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return "[]";
      throw e;
    });
    return JSON.parse(text) as InvitationRecord[];
  }

  record(invitation: InvitationRecord): Promise<void> {
    // Serialised: two concurrent invitations must not overwrite each other.
    const next = this.queue.then(async () => {
      const all = await this.load();
      all.push(invitation);
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
      await rename(tmp, this.file);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async isInvited(address: string): Promise<boolean> {
    await this.queue;
    return (await this.load()).some((i) => i.address === address);
  }
}
