import type { MatrixClient } from "matrix-js-sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BackupWatcher } from "../../web/src/encryption/backup-watcher.ts";

/** The few calls of the client and its Rust crypto that the watcher reads. */
function fakeClient(opts: {
  activeVersion: string | null;
  serverBackup: boolean;
  heldKeys: number;
  counts: () => { total: number; backedUp: number };
}): MatrixClient {
  const crypto = {
    getActiveSessionBackupVersion: async () => opts.activeVersion,
    getKeyBackupInfo: async () => (opts.serverBackup ? { version: "1" } : null),
    exportRoomKeys: async () => Array.from({ length: opts.heldKeys }, () => ({})),
    olmMachine: { roomKeyCounts: async () => opts.counts() },
  };
  return {
    getCrypto: () => crypto,
    on: () => undefined,
    off: () => undefined,
  } as unknown as MatrixClient;
}

afterEach(() => vi.useRealTimers());

describe("what logout would lose", () => {
  it("nothing when every key is in the backup", async () => {
    const w = new BackupWatcher(
      fakeClient({
        activeVersion: "3",
        serverBackup: true,
        heldKeys: 5,
        counts: () => ({ total: 5, backedUp: 5 }),
      }),
    );
    expect(await w.logoutRisk()).toEqual({ kind: "none" });
    expect(w.state.get().version).toBe("3");
  });

  it("waits quietly for keys of the last seconds, then nothing", async () => {
    vi.useFakeTimers();
    let backedUp = 3;
    const w = new BackupWatcher(
      fakeClient({
        activeVersion: "3",
        serverBackup: true,
        heldKeys: 5,
        counts: () => ({ total: 5, backedUp }),
      }),
    );
    const risk = w.logoutRisk();
    await vi.advanceTimersByTimeAsync(4_000);
    backedUp = 5; // the SDK's delayed upload round ran
    await vi.advanceTimersByTimeAsync(500);
    expect(await risk).toEqual({ kind: "none" });
  });

  it("keys still not uploaded after the wait: how many", async () => {
    vi.useFakeTimers();
    const w = new BackupWatcher(
      fakeClient({
        activeVersion: "3",
        serverBackup: true,
        heldKeys: 5,
        counts: () => ({ total: 5, backedUp: 2 }),
      }),
    );
    const risk = w.logoutRisk();
    await vi.advanceTimersByTimeAsync(13_000);
    expect(await risk).toEqual({ kind: "pending", keys: 3 });
  });

  it("an account with no backup at all: every key held here would be lost", async () => {
    const w = new BackupWatcher(
      fakeClient({
        activeVersion: null,
        serverBackup: false,
        heldKeys: 2,
        counts: () => ({ total: 2, backedUp: 0 }),
      }),
    );
    expect(await w.logoutRisk()).toEqual({ kind: "no-backup" });
  });

  it("an unverified device of an account with a backup: its verified devices hold the keys", async () => {
    const w = new BackupWatcher(
      fakeClient({
        activeVersion: null,
        serverBackup: true,
        heldKeys: 2,
        counts: () => ({ total: 2, backedUp: 0 }),
      }),
    );
    expect(await w.logoutRisk()).toEqual({ kind: "none" });
  });
});
