/**
 * What this device must do about encryption when a session starts, from facts read from the
 * crypto stack. Pure: `EncryptionViewModel` gathers the facts, this decides.
 */
export interface EncryptionFacts {
  /** The account has published cross-signing keys (some device set encryption up already). */
  accountHasIdentity: boolean;
  /** This device is cross-signed by the account's current identity. */
  deviceVerified: boolean;
  /** The user chose « Plus tard » on this device when asked to unlock history. */
  unlockSkipped: boolean;
  /** This device made a recovery key the user has not yet confirmed having saved. */
  recoveryKeyUnconfirmed: boolean;
}

export type StartAction =
  /** First login of the account: create identity, secret storage, backup; show the key. */
  | "create"
  /** The device holds the account's keys but the user never confirmed a recovery key. */
  | "reissue-recovery-key"
  /** New device of an account with history: ask how to unlock it. */
  | "ask-unlock"
  /** The user postponed unlocking on this device: say so in the room list, do not insist. */
  | "stay-locked"
  /** Nothing to ask: make sure the backup runs. */
  | "ready";

export function startAction(f: EncryptionFacts): StartAction {
  if (!f.accountHasIdentity) return "create";
  if (f.deviceVerified) return f.recoveryKeyUnconfirmed ? "reissue-recovery-key" : "ready";
  return f.unlockSkipped ? "stay-locked" : "ask-unlock";
}
