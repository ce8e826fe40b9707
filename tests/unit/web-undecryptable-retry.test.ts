import { EventEmitter } from "node:events";
import { MatrixEventEvent, type MatrixEvent } from "matrix-js-sdk";
import { DecryptionFailureCode } from "matrix-js-sdk/lib/crypto-api/index.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  UndecryptableRetrier,
  type RetryClient,
} from "../../web/src/encryption/undecryptable-retry.ts";

/** An encrypted message whose decryption outcome the test decides, attempt by attempt. */
function fakeEvent(reason: DecryptionFailureCode) {
  return { failed: true, reason } as { failed: boolean; reason: DecryptionFailureCode | null };
}

function setUp(keyArrivesAtTry: number | null) {
  const emitter = new EventEmitter();
  const state = fakeEvent(DecryptionFailureCode.MEGOLM_UNKNOWN_INBOUND_SESSION_ID);
  const event = {
    isDecryptionFailure: () => state.failed,
    get decryptionFailureReason() {
      return state.failed ? state.reason : null;
    },
  } as unknown as MatrixEvent;
  let tries = 0;
  const client: RetryClient = {
    on: (name, l) => emitter.on(name, l),
    off: (name, l) => emitter.off(name, l),
    decryptEventIfNeeded: async (ev) => {
      tries++;
      if (keyArrivesAtTry !== null && tries >= keyArrivesAtTry) state.failed = false;
      emitter.emit(MatrixEventEvent.Decrypted, ev);
    },
  };
  const retrier = new UndecryptableRetrier(client, [1_000, 2_000, 4_000]);
  const fail = () => emitter.emit(MatrixEventEvent.Decrypted, event);
  return { retrier, fail, state, tries: () => tries };
}

afterEach(() => vi.useRealTimers());

describe("undecryptable messages are tried again while their key may come", () => {
  it("decrypts once the key has reached the backup, then stops", async () => {
    vi.useFakeTimers();
    const t = setUp(2);
    t.fail();
    expect(t.retrier.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(t.tries()).toBe(1);
    expect(t.state.failed).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(t.tries()).toBe(2);
    expect(t.state.failed).toBe(false);
    expect(t.retrier.waiting).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.tries()).toBe(2);
  });

  it("gives up after its schedule when the key never comes", async () => {
    vi.useFakeTimers();
    const t = setUp(null);
    t.fail();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.tries()).toBe(3);
    expect(t.retrier.waiting).toBe(0);
  });

  it("leaves alone failures no retry can fix (key withheld by the sender)", async () => {
    vi.useFakeTimers();
    const t = setUp(1);
    t.state.reason = DecryptionFailureCode.MEGOLM_KEY_WITHHELD;
    t.fail();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.tries()).toBe(0);
  });

  it("stops every timer when disposed", async () => {
    vi.useFakeTimers();
    const t = setUp(null);
    t.fail();
    t.retrier.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.tries()).toBe(0);
  });
});
