import type { CryptoCallbacks } from "matrix-js-sdk/lib/crypto-api/index.js";

/**
 * The secret-storage (recovery) key, held in memory only for the few calls that need it in a
 * row — creating secret storage, then storing the cross-signing and backup keys in it, or
 * reading them back on a new device — and forgotten right after. Never written anywhere: the
 * recovery key is the one secret that unlocks the account's history from any device.
 */
export class SecretStorageKeyCache {
  private entry: { keyId: string; key: Uint8Array<ArrayBuffer> } | null = null;

  /** A key already checked against the account's key `keyId` (the user typed it). */
  hold(keyId: string, key: Uint8Array<ArrayBuffer>): void {
    this.entry = { keyId, key };
  }

  forget(): void {
    this.entry?.key.fill(0);
    this.entry = null;
  }

  /** The callbacks handed to `createClient`: the SDK asks here, the user is never prompted. */
  readonly callbacks: Pick<CryptoCallbacks, "getSecretStorageKey" | "cacheSecretStorageKey"> = {
    getSecretStorageKey: async ({ keys }) => {
      const e = this.entry;
      return e && keys[e.keyId] ? [e.keyId, e.key] : null;
    },
    cacheSecretStorageKey: (keyId, _info, key) => {
      this.entry = { keyId, key: new Uint8Array(key) };
    },
  };
}
