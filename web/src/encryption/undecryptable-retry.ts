import { MatrixEventEvent, type MatrixEvent } from "matrix-js-sdk";
import { DecryptionFailureCode } from "matrix-js-sdk/lib/crypto-api/index.js";

/**
 * Failures whose key may still come: a late to-device message, or the key backup once another
 * of my devices, which did get the key, has uploaded it (the SDK uploads 0–10 s after a key
 * arrives). The SDK asks the backup once when decryption fails and never again by itself, so
 * a message whose key reached the backup a few seconds later would stay unreadable for good.
 */
const KEY_MAY_COME: ReadonlySet<string> = new Set([
  DecryptionFailureCode.MEGOLM_UNKNOWN_INBOUND_SESSION_ID,
  DecryptionFailureCode.OLM_UNKNOWN_MESSAGE_INDEX,
  DecryptionFailureCode.HISTORICAL_MESSAGE_WORKING_BACKUP,
]);

/** When to try again after a failure (each try also asks the backup for that key). */
export const RETRY_DELAYS_MS: readonly number[] = [6_000, 15_000, 30_000, 60_000, 120_000];

/** What the retrier needs of the client (the SDK's MatrixClient has it; tests fake it). */
export interface RetryClient {
  on(event: MatrixEventEvent.Decrypted, listener: (event: MatrixEvent) => void): unknown;
  off(event: MatrixEventEvent.Decrypted, listener: (event: MatrixEvent) => void): unknown;
  decryptEventIfNeeded(event: MatrixEvent, options?: { isRetry?: boolean }): Promise<void>;
}

/**
 * Tries undecryptable messages again, a few times over two minutes, while their key may still
 * arrive; a success re-renders the message in place like any late key. Bounded: at most
 * `maxTracked` messages are followed at once (the newest).
 */
export class UndecryptableRetrier {
  private readonly tracked = new Map<MatrixEvent, ReturnType<typeof setTimeout> | null>();

  constructor(
    private readonly client: RetryClient,
    private readonly delays: readonly number[] = RETRY_DELAYS_MS,
    private readonly maxTracked = 1_000,
  ) {
    client.on(MatrixEventEvent.Decrypted, this.onDecrypted);
  }

  private readonly onDecrypted = (event: MatrixEvent): void => {
    if (!this.mayStillCome(event)) return this.forget(event);
    // A retry of ours failing again also lands here: its own schedule goes on.
    if (!this.tracked.has(event)) this.schedule(event, 0);
  };

  private mayStillCome(event: MatrixEvent): boolean {
    return event.isDecryptionFailure() && KEY_MAY_COME.has(event.decryptionFailureReason ?? "");
  }

  private schedule(event: MatrixEvent, attempt: number): void {
    const delay = this.delays[attempt];
    if (delay === undefined) return this.forget(event);
    if (!this.tracked.has(event) && this.tracked.size >= this.maxTracked) {
      const oldest = this.tracked.keys().next().value;
      if (oldest) this.forget(oldest);
    }
    const timer = setTimeout(() => void this.retry(event, attempt), delay);
    this.tracked.set(event, timer);
  }

  private async retry(event: MatrixEvent, attempt: number): Promise<void> {
    this.tracked.set(event, null);
    await this.client.decryptEventIfNeeded(event, { isRetry: true }).catch(() => undefined);
    if (!this.tracked.has(event)) return; // disposed meanwhile
    if (this.mayStillCome(event)) this.schedule(event, attempt + 1);
    else this.forget(event);
  }

  private forget(event: MatrixEvent): void {
    const timer = this.tracked.get(event);
    if (timer) clearTimeout(timer);
    this.tracked.delete(event);
  }

  /** How many messages are waiting for another try (for tests and diagnostics). */
  get waiting(): number {
    return this.tracked.size;
  }

  dispose(): void {
    this.client.off(MatrixEventEvent.Decrypted, this.onDecrypted);
    for (const event of [...this.tracked.keys()]) this.forget(event);
  }
}
