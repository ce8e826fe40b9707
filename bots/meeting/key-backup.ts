import type { MatrixClient } from "matrix-js-sdk";
import {
  decodeRecoveryKey,
  encodeRecoveryKey,
  type CryptoCallbacks,
  type GeneratedSecretStorageKey,
} from "matrix-js-sdk/lib/crypto-api/index.js";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * The bot's recovery key (secret storage key), in a 0600 file of its data folder. It outlives
 * the device store: a bot whose store is lost signs its new device and restores its room keys
 * from the server-side backup with it.
 */
export class RecoveryKeyFile {
  private key: Uint8Array<ArrayBuffer> | undefined;

  constructor(readonly file: string) {}

  /** What the SDK calls when it needs the secret storage key. */
  readonly callbacks: CryptoCallbacks = {
    getSecretStorageKey: async ({ keys }) => {
      const keyId = Object.keys(keys)[0];
      return this.key && keyId ? [keyId, this.key] : null;
    },
  };

  async load(): Promise<boolean> {
    try {
      this.key = decodeRecoveryKey((await readFile(this.file, "utf8")).trim());
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw new Error(`${this.file}: not a recovery key (${(e as Error).message})`);
    }
  }

  /** The key as the SDK's secret storage setup takes it. */
  generated(): GeneratedSecretStorageKey {
    if (!this.key) throw new Error(`${this.file}: no recovery key loaded`);
    return { privateKey: this.key, encodedPrivateKey: encodeRecoveryKey(this.key) };
  }

  async save(encoded: string): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${encoded}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
    this.key = decodeRecoveryKey(encoded);
  }
}

/**
 * Cross-signing and key backup, set up once: on the first start the bot creates its identity,
 * secret storage and a backup, keeping the recovery key; a start killed half-way finishes the
 * setup with the same key; a later new device (store lost) reuses them and restores the room
 * keys it had. A device whose setup is complete does nothing.
 */
export async function ensureKeyBackup(
  client: MatrixClient,
  recovery: RecoveryKeyFile,
  log: (line: string) => void,
): Promise<void> {
  const crypto = client.getCrypto();
  if (!crypto) throw new Error("the bot's client has no crypto");
  // The bot's first upload of cross-signing keys needs no interactive auth (MSC3967).
  const authUploadDeviceSigningKeys = async (
    makeRequest: (auth: null) => Promise<unknown>,
  ): Promise<void> => {
    await makeRequest(null);
  };
  const existing = await recovery.load();
  if (!existing) {
    const generated = await crypto.createRecoveryKeyFromPassphrase();
    if (!generated.encodedPrivateKey) throw new Error("the SDK made a recovery key without text");
    // Kept before anything is encrypted with it: a kill from here on finishes at next start.
    await recovery.save(generated.encodedPrivateKey);
  }
  if (!(await crypto.isCrossSigningReady())) {
    await crypto.bootstrapCrossSigning({
      setupNewCrossSigning: !existing,
      authUploadDeviceSigningKeys,
    });
  }
  if (!(await crypto.isSecretStorageReady())) {
    await crypto.bootstrapSecretStorage({
      createSecretStorageKey: async () => recovery.generated(),
      setupNewSecretStorage: true,
      setupNewKeyBackup: (await crypto.getKeyBackupInfo()) === null,
    });
    log(`meeting bot: cross-signing and key backup set up (recovery key in ${recovery.file})`);
  }
  if ((await crypto.getActiveSessionBackupVersion()) === null) {
    await crypto.loadSessionBackupPrivateKeyFromSecretStorage();
    await crypto.checkKeyBackupAndEnable();
    const restored = await crypto.restoreKeyBackup();
    log(`meeting bot: key backup enabled; ${restored.imported} room key(s) restored`);
  }
}
