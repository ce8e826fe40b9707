import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Lang } from "./command.ts";

export interface Reminder {
  /** Also the transaction id of the reminder message: posting twice sends it once. */
  id: string;
  roomId: string;
  title: string;
  /** ISO time. */
  at: string;
  lang: Lang;
}

export interface BotState {
  version: 1;
  reminders: Reminder[];
  /** Commands already acted on (latest first, bounded): a meeting is never created twice. */
  handled?: string[];
  /** The bot's current device (crypto connection), logged out when the next one starts. */
  device?: { deviceId: string; accessToken: string };
}

/** What the bot must not lose across a restart. */
export interface BotStateStore {
  load(): Promise<BotState>;
  save(state: BotState): Promise<void>;
}

/** A JSON file, replaced atomically (write then rename) so a crash never leaves half a file. */
export class FileBotStateStore implements BotStateStore {
  constructor(readonly file: string) {}

  async load(): Promise<BotState> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, reminders: [] };
      throw e;
    }
    const state = JSON.parse(text) as BotState;
    if (state.version !== 1 || !Array.isArray(state.reminders)) {
      throw new Error(`${this.file}: not a meeting bot state file (version 1)`);
    }
    return state;
  }

  private chain: Promise<void> = Promise.resolve();

  save(state: BotState): Promise<void> {
    const text = JSON.stringify(state, null, 2);
    // Saves run one after another: an older state never overwrites a newer one.
    this.chain = this.chain.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, this.file);
    });
    return this.chain;
  }
}
