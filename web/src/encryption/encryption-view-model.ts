import type { MatrixClient } from "matrix-js-sdk";
import {
  CryptoEvent,
  decodeRecoveryKey,
  type CryptoApi,
} from "matrix-js-sdk/lib/crypto-api/index.js";
import { AppError, toAppError } from "../core/app-error.ts";
import { Disposer, Observable } from "../core/observable.ts";
import { BackupWatcher } from "./backup-watcher.ts";
import { DeviceFlags } from "./device-flags.ts";
import { startAction, type StartAction } from "./encryption-phase.ts";
import { RecoveryKeyViewModel } from "./recovery-key-view-model.ts";
import type { SecretStorageKeyCache } from "./secret-storage-key-cache.ts";
import { passwordAuth } from "./user-interactive-auth.ts";

/** Where this device stands with the account's encrypted history. */
export type EncryptionStatus =
  | "checking"
  /** Cross-signed, key backup running: history is safe and readable. */
  | "ready"
  /** Not verified: older messages stay locked here until it is (banner in the room list). */
  | "locked"
  /** Setting encryption up failed (homeserver refused, offline): retried at next start. */
  | "failed";

/** The one encryption dialog on screen, if any. */
export type EncryptionScreen =
  | { kind: "none" }
  | {
      kind: "unlock";
      step: "choose" | "recovery-key" | "other-device" | "restoring";
      /** Keys restored so far and in all, while restoring from the backup. */
      progress: { done: number; total: number } | null;
    }
  | { kind: "reset" };

/** The verification part this view model needs (the verification view model provides it). */
export interface OwnDeviceVerifier {
  /** Runs emoji verification with another of my devices; true once both sides confirmed. */
  requestOwnDevice(): Promise<boolean>;
}

/** How long a freshly verified device waits for the backup key its other device shares. */
const SECRET_SHARING_WAIT_MS = 30_000;

/**
 * The encryption lifecycle of one session, so that no device ever loses history:
 * - first login of the account: cross-signing, secret storage and server-side key backup are
 *   created silently, and the recovery key is shown once, to be confirmed;
 * - a new device of an account with history asks how to unlock it (another device or the
 *   recovery key), then cross-signs itself and restores the backup: messages decrypt in place;
 * - a lost recovery key can be replaced by a reset (new identity and backup, history lost);
 * Free of React; the chat view model owns it.
 */
export class EncryptionViewModel {
  readonly status = new Observable<EncryptionStatus>("checking");
  readonly screen = new Observable<EncryptionScreen>({ kind: "none" });
  readonly error = new Observable<AppError | null>(null);
  readonly backup: BackupWatcher;
  /** The recovery key dialog: a new key shown once and confirmed. */
  readonly recoveryKey: RecoveryKeyViewModel;
  private readonly flags: DeviceFlags;
  private readonly disposer = new Disposer();
  /** Our own set-up, unlock or reset steps in progress: the trust changes they cause are ours. */
  private flows = 0;

  constructor(
    private readonly client: MatrixClient,
    private readonly keys: SecretStorageKeyCache,
    private readonly verifier: OwnDeviceVerifier | null,
    storage: Storage = localStorage,
  ) {
    this.flags = new DeviceFlags(storage, client.getUserId() ?? "", client.getDeviceId() ?? "");
    this.backup = new BackupWatcher(client);
    this.recoveryKey = new RecoveryKeyViewModel(() => this.crypto, keys, this.flags);
    this.disposer.add(() => this.backup.dispose());
    this.disposer.add(() => this.keys.forget());
    // Another device verified this one (or the user did it from elsewhere): pick up the backup.
    // Or my identity was reset from another device: this one is no longer verified.
    const onTrust = (userId: string) => {
      if (userId === this.userId) void this.ownTrustChanged();
    };
    const onKeysChanged = () => void this.ownTrustChanged();
    client.on(CryptoEvent.UserTrustStatusChanged, onTrust);
    client.on(CryptoEvent.KeysChanged, onKeysChanged);
    this.disposer.add(() => {
      client.off(CryptoEvent.UserTrustStatusChanged, onTrust);
      client.off(CryptoEvent.KeysChanged, onKeysChanged);
    });
  }

  /** Trust changes that none of our own steps caused (those run with `flows` > 0). */
  private async ownTrustChanged(): Promise<void> {
    if (this.flows > 0 || this.disposer.isDisposed) return;
    const verified = await this.isThisDeviceVerified().catch(() => false);
    const status = this.status.get();
    if (status === "locked" && verified) {
      this.flows++;
      try {
        await this.refreshAfterVerification();
      } catch (e) {
        this.error.set(toAppError(e));
      } finally {
        this.flows--;
      }
    } else if (status === "ready" && !verified) {
      // Reset elsewhere: say so in the room list, without a dialog in the middle of work.
      this.flags.unlockSkipped = true;
      this.status.set("locked");
    }
  }

  private get crypto(): CryptoApi {
    const c = this.client.getCrypto();
    if (!c) throw new Error("end-to-end encryption is not initialised");
    return c;
  }

  private get userId(): string {
    return this.client.getUserId()!;
  }

  /** Decides what this device needs, right after the first sync. */
  async start(): Promise<StartAction | null> {
    this.flows++;
    try {
      const action = startAction({
        accountHasIdentity: await this.crypto.userHasCrossSigningKeys(this.userId, true),
        deviceVerified: await this.isThisDeviceVerified(),
        unlockSkipped: this.flags.unlockSkipped,
        recoveryKeyUnconfirmed: this.flags.recoveryKeyUnconfirmed,
      });
      if (this.disposer.isDisposed) return null;
      switch (action) {
        case "create":
          await this.createEncryption();
          break;
        case "reissue-recovery-key":
          await this.recoveryKey.create();
          await this.enableBackup();
          this.status.set("ready");
          break;
        case "ask-unlock":
          this.status.set("locked");
          this.openUnlock();
          break;
        case "stay-locked":
          this.status.set("locked");
          break;
        case "ready":
          await this.enableBackup();
          this.status.set("ready");
          break;
      }
      return action;
    } catch (e) {
      if (this.disposer.isDisposed) return null;
      this.status.set("failed");
      this.error.set(toAppError(e));
      return null;
    } finally {
      this.flows--;
    }
  }

  private async isThisDeviceVerified(): Promise<boolean> {
    const status = await this.crypto.getDeviceVerificationStatus(
      this.userId,
      this.client.getDeviceId() ?? "",
    );
    return status?.crossSigningVerified ?? false;
  }

  /**
   * First device of the account. The homeserver lets the first cross-signing upload through
   * without re-entering the password (MSC3967), so this needs nothing from the user.
   */
  private async createEncryption(): Promise<void> {
    await this.crypto.bootstrapCrossSigning({
      authUploadDeviceSigningKeys: passwordAuth(this.userId, null),
    });
    await this.recoveryKey.create({ newBackup: true });
    this.status.set("ready");
  }

  /** « Changer la clé de récupération » (settings): needs a verified device. */
  async changeRecoveryKey(): Promise<void> {
    await this.guard(async () => {
      if (!(await this.isThisDeviceVerified())) throw new AppError("DEVICE_NOT_VERIFIED");
      await this.recoveryKey.create();
    }, undefined);
  }

  openUnlock(): void {
    this.error.set(null);
    this.screen.set({ kind: "unlock", step: "choose", progress: null });
  }

  chooseRecoveryKey(): void {
    this.error.set(null);
    this.screen.set({ kind: "unlock", step: "recovery-key", progress: null });
  }

  /** « Plus tard »: older messages stay locked here; the room list says so. */
  skipUnlock(): void {
    this.flags.unlockSkipped = true;
    this.error.set(null);
    this.screen.set({ kind: "none" });
  }

  /**
   * « Utiliser la clé de récupération »: checks the key against the account's, imports the
   * cross-signing keys (this device gets cross-signed), then restores the whole backup.
   */
  async unlockWithRecoveryKey(input: string): Promise<boolean> {
    return this.guard(async () => {
      let key: Uint8Array<ArrayBuffer>;
      try {
        key = decodeRecoveryKey(input.trim());
      } catch {
        throw new AppError("RECOVERY_KEY_INVALID");
      }
      const stored = await this.client.secretStorage.getKey();
      if (!stored) throw new AppError("NO_RECOVERY_SET_UP");
      const [keyId, info] = stored;
      if (!(await this.client.secretStorage.checkKey(key, info)))
        throw new AppError("RECOVERY_KEY_WRONG");
      this.keys.hold(keyId, key);
      try {
        // Only now: with the key checked, this imports the account's identity from secret
        // storage. Called without it, it would create a new identity instead.
        await this.crypto.bootstrapCrossSigning({
          authUploadDeviceSigningKeys: passwordAuth(this.userId, null),
        });
        await this.crypto.loadSessionBackupPrivateKeyFromSecretStorage();
      } finally {
        this.keys.forget();
      }
      await this.restoreBackup();
      return true;
    }, false);
  }

  /** « Vérifier avec un autre appareil »: emoji verification, then the shared backup key. */
  async unlockWithOtherDevice(): Promise<boolean> {
    if (!this.verifier) return false;
    this.error.set(null);
    this.screen.set({ kind: "unlock", step: "other-device", progress: null });
    return this.guard(async () => {
      if (!(await this.verifier!.requestOwnDevice())) {
        this.openUnlock();
        return false;
      }
      await this.refreshAfterVerification();
      return true;
    }, false);
  }

  /** Once verified by another device: wait for it to share the backup key, then restore. */
  private async refreshAfterVerification(): Promise<void> {
    if (!(await this.isThisDeviceVerified())) return;
    this.flags.unlockSkipped = false;
    const deadline = Date.now() + SECRET_SHARING_WAIT_MS;
    while (!(await this.crypto.getSessionBackupPrivateKey()) && Date.now() < deadline) {
      if (this.disposer.isDisposed) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (!(await this.crypto.getSessionBackupPrivateKey())) {
      // Verified, but the other device had no backup key to share: new messages are fine, and
      // the recovery key can still restore the history.
      this.status.set("ready");
      this.error.set(new AppError("BACKUP_KEY_NOT_SHARED"));
      this.screen.set({ kind: "unlock", step: "recovery-key", progress: null });
      return;
    }
    await this.restoreBackup();
  }

  private async restoreBackup(): Promise<void> {
    this.screen.set({ kind: "unlock", step: "restoring", progress: null });
    // The whole backup first, in one download. Enabling the backup before would also start the
    // SDK's key-by-key downloader for every undecryptable message on screen: the same keys
    // fetched and imported a second time, while the full restore runs.
    await this.crypto.restoreKeyBackup({
      progressCallback: (p) => {
        if (p.stage !== "load_keys") return;
        this.screen.set({
          kind: "unlock",
          step: "restoring",
          progress: { done: p.successes + p.failures, total: p.total },
        });
      },
    });
    await this.enableBackup();
    this.flags.unlockSkipped = false;
    this.status.set("ready");
    this.screen.set({ kind: "none" });
  }

  private async enableBackup(): Promise<void> {
    await this.crypto.checkKeyBackupAndEnable();
    await this.backup.refresh();
  }

  openReset(): void {
    this.error.set(null);
    this.screen.set({ kind: "reset" });
  }

  closeScreen(): void {
    const s = this.screen.get();
    // Restoring runs to its end.
    if (s.kind === "unlock" && s.step === "restoring") return;
    if (s.kind === "unlock" && this.status.get() === "locked") return this.skipUnlock();
    this.error.set(null);
    this.screen.set({ kind: "none" });
  }

  /**
   * Lost recovery key and no other device: a new identity, secret storage and backup. History
   * encrypted before stays unreadable; contacts see the identity change. Needs the password.
   */
  async resetEncryption(password: string): Promise<boolean> {
    return this.guard(async () => {
      await this.crypto.resetEncryption(passwordAuth(this.userId, password));
      await this.recoveryKey.create();
      this.screen.set({ kind: "none" });
      this.flags.unlockSkipped = false;
      await this.enableBackup();
      this.status.set("ready");
      return true;
    }, false);
  }

  /** Runs a user action: its error is shown in the open dialog, never thrown at the view. */
  private async guard<T>(action: () => Promise<T>, onError: T): Promise<T> {
    this.error.set(null);
    this.flows++;
    try {
      return await action();
    } catch (e) {
      if (this.disposer.isDisposed) return onError;
      const err = e instanceof AppError ? e : toAppError(e);
      this.error.set(err);
      const s = this.screen.get();
      if (s.kind === "unlock" && s.step === "restoring")
        this.screen.set({ kind: "unlock", step: "choose", progress: null });
      return onError;
    } finally {
      this.flows--;
    }
  }

  dispose(): void {
    this.disposer.dispose();
  }
}
