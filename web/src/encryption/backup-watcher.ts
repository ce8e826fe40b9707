import type { MatrixClient } from "matrix-js-sdk";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/index.js";
import { Observable } from "../core/observable.ts";

export interface BackupState {
  /** The server-side key backup this device uploads to, if any. */
  version: string | null;
}

/** What logging out now would lose. */
export type LogoutRisk =
  | { kind: "none" }
  /** No working backup on this device: every key it holds would be lost. */
  | { kind: "no-backup" }
  /** Keys received here that are not yet uploaded to the backup. */
  | { kind: "pending"; keys: number };

/**
 * The SDK starts each upload round 0–10 s after a key arrives (so that every client of a room
 * does not hit the server at once): a key of the last seconds is normally uploaded within this.
 */
const QUIET_WAIT_MS = 12_000;

/** The part of the Rust crypto stack's OlmMachine we read (not exposed by `CryptoApi`). */
interface KeyCounter {
  roomKeyCounts(): Promise<{ total: number; backedUp: number }>;
}

/**
 * Watches this device's key backup: which version it uploads to, and how many room keys are
 * not uploaded yet — what logout must warn about.
 */
export class BackupWatcher {
  readonly state = new Observable<BackupState>({ version: null });
  private readonly onStatus = () => void this.refresh();

  constructor(private readonly client: MatrixClient) {
    client.on(CryptoEvent.KeyBackupStatus, this.onStatus);
  }

  async refresh(): Promise<void> {
    const version = (await this.client.getCrypto()?.getActiveSessionBackupVersion()) ?? null;
    this.state.set(version === this.state.get().version ? this.state.get() : { version });
  }

  /** Room keys held here and not in the backup; null when the crypto stack cannot tell. */
  async keysNotBackedUp(): Promise<number | null> {
    const counter = this.keyCounter();
    if (!counter) return null;
    const { total, backedUp } = await counter.roomKeyCounts();
    return Math.max(total - backedUp, 0);
  }

  async logoutRisk(): Promise<LogoutRisk> {
    const crypto = this.client.getCrypto();
    if (!crypto) return { kind: "none" };
    await this.refresh();
    if (!this.state.get().version) {
      // Not uploading from here (an unverified device cannot trust the backup): the account's
      // verified devices back up the same keys, since room keys go to all of a user's devices.
      if (await crypto.getKeyBackupInfo()) return { kind: "none" };
      return (await crypto.exportRoomKeys()).length > 0 ? { kind: "no-backup" } : { kind: "none" };
    }
    // Keys of the last seconds are on their way: let them arrive before bothering the user.
    if (await this.waitUntilBackedUp(QUIET_WAIT_MS)) return { kind: "none" };
    const pending = await this.keysNotBackedUp();
    return pending ? { kind: "pending", keys: pending } : { kind: "none" };
  }

  /** Waits until every key is uploaded (the SDK uploads by itself); false on timeout. */
  async waitUntilBackedUp(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = await this.keysNotBackedUp();
      if (pending === 0 || pending === null) return pending === 0;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private keyCounter(): KeyCounter | null {
    // The Rust crypto backend keeps its OlmMachine in a field `CryptoApi` does not type; read
    // it defensively so an SDK that renames it only loses the count, not the logout.
    const machine = (this.client.getCrypto() as unknown as { olmMachine?: Partial<KeyCounter> })
      ?.olmMachine;
    return typeof machine?.roomKeyCounts === "function" ? (machine as KeyCounter) : null;
  }

  dispose(): void {
    this.client.off(CryptoEvent.KeyBackupStatus, this.onStatus);
  }
}
