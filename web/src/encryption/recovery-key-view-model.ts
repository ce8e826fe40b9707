import type { CryptoApi } from "matrix-js-sdk/lib/crypto-api/index.js";
import { AppError } from "../core/app-error.ts";
import { Observable } from "../core/observable.ts";
import type { DeviceFlags } from "./device-flags.ts";
import { answersMatch, keyGroups, pickChallenge } from "./recovery-key-confirmation.ts";
import type { SecretStorageKeyCache } from "./secret-storage-key-cache.ts";

/** A new recovery key on screen: shown, then two of its groups asked back. */
export interface ShownRecoveryKey {
  recoveryKey: string;
  step: "show" | "confirm";
  /** The group positions (0-based) the user must type back. */
  challenge: number[];
}

/**
 * Making a recovery key (the secret-storage key that locks the account's cross-signing and
 * backup keys on the server) and making sure the user saved it. Shown once; never stored.
 */
export class RecoveryKeyViewModel {
  readonly shown = new Observable<ShownRecoveryKey | null>(null);
  readonly error = new Observable<AppError | null>(null);

  constructor(
    private readonly crypto: () => CryptoApi,
    private readonly keys: SecretStorageKeyCache,
    private readonly flags: DeviceFlags,
  ) {}

  /**
   * A new secret-storage key holding this device's cross-signing and backup keys (and a new
   * backup when asked), then shown. The previous recovery key stops working.
   */
  async create(opts: { newBackup?: boolean } = {}): Promise<void> {
    const generated = await this.crypto().createRecoveryKeyFromPassphrase();
    const recoveryKey = generated.encodedPrivateKey;
    if (!recoveryKey) throw new Error("the SDK made a recovery key without its text form");
    this.flags.recoveryKeyUnconfirmed = true;
    try {
      await this.crypto().bootstrapSecretStorage({
        createSecretStorageKey: async () => generated,
        setupNewSecretStorage: true,
        setupNewKeyBackup: opts.newBackup ?? false,
      });
    } finally {
      this.keys.forget();
    }
    this.error.set(null);
    this.shown.set({
      recoveryKey,
      step: "show",
      challenge: pickChallenge(keyGroups(recoveryKey).length),
    });
  }

  /** « J'ai enregistré ma clé »: hide it and ask for two of its groups. */
  saved(): void {
    const s = this.shown.get();
    if (s) this.shown.set({ ...s, step: "confirm" });
  }

  showAgain(): void {
    const s = this.shown.get();
    this.error.set(null);
    if (s) this.shown.set({ ...s, step: "show" });
  }

  /** True (and the dialog closes) when the typed groups match. */
  confirm(answers: string[]): boolean {
    const s = this.shown.get();
    if (!s) return false;
    if (!answersMatch(s.recoveryKey, s.challenge, answers)) {
      this.error.set(new AppError("RECOVERY_KEY_MISMATCH"));
      return false;
    }
    this.flags.recoveryKeyUnconfirmed = false;
    this.error.set(null);
    this.shown.set(null);
    return true;
  }
}
