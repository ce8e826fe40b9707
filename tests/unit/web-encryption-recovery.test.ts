import { describe, expect, it } from "vitest";
import { DeviceFlags } from "../../web/src/encryption/device-flags.ts";
import { startAction } from "../../web/src/encryption/encryption-phase.ts";
import {
  answersMatch,
  keyGroups,
  pickChallenge,
} from "../../web/src/encryption/recovery-key-confirmation.ts";
import { SecretStorageKeyCache } from "../../web/src/encryption/secret-storage-key-cache.ts";

const KEY = "EsTc 8bXk Qw2e r5Ty uI9o pAs3 dF4g hJ6k L7zX cV8b Nm1Q wE2r";

describe("recovery key confirmation", () => {
  it("splits the key into its twelve groups", () => {
    expect(keyGroups(`  ${KEY} `)).toHaveLength(12);
    expect(keyGroups(KEY)[11]).toBe("wE2r");
  });

  it("asks for two different groups, in order, anywhere in the key", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const c = pickChallenge(12);
      expect(c).toHaveLength(2);
      expect(c[0]).toBeLessThan(c[1]!);
      expect(c[1]).toBeLessThan(12);
      c.forEach((p) => seen.add(p));
    }
    expect(seen.size).toBe(12);
    expect(pickChallenge(12, () => 0.999)).toEqual([10, 11]);
    expect(pickChallenge(12, () => 0)).toEqual([0, 1]);
  });

  it("accepts exactly the asked groups, case-sensitive, spaces around ignored", () => {
    expect(answersMatch(KEY, [2, 9], ["Qw2e", " cV8b "])).toBe(true);
    expect(answersMatch(KEY, [2, 9], ["qw2e", "cV8b"])).toBe(false);
    expect(answersMatch(KEY, [2, 9], ["cV8b", "Qw2e"])).toBe(false);
    expect(answersMatch(KEY, [2, 9], ["Qw2e"])).toBe(false);
    expect(answersMatch(KEY, [2, 12], ["Qw2e", ""])).toBe(false);
  });
});

describe("what a device does about encryption at start", () => {
  const base = {
    accountHasIdentity: true,
    deviceVerified: false,
    unlockSkipped: false,
    recoveryKeyUnconfirmed: false,
  };
  it("sets everything up on the account's first device", () => {
    expect(startAction({ ...base, accountHasIdentity: false })).toBe("create");
  });
  it("asks a new device to unlock history, and stops asking once postponed", () => {
    expect(startAction(base)).toBe("ask-unlock");
    expect(startAction({ ...base, unlockSkipped: true })).toBe("stay-locked");
  });
  it("re-issues a recovery key nobody confirmed (page closed while it was shown)", () => {
    expect(startAction({ ...base, deviceVerified: true, recoveryKeyUnconfirmed: true })).toBe(
      "reissue-recovery-key",
    );
    expect(startAction({ ...base, deviceVerified: true })).toBe("ready");
  });
});

describe("device flags", () => {
  it("are per user and device, and cleared by false", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    } as Storage;
    const a = new DeviceFlags(storage, "@a:x", "DEV1");
    const other = new DeviceFlags(storage, "@a:x", "DEV2");
    a.unlockSkipped = true;
    expect(a.unlockSkipped).toBe(true);
    expect(other.unlockSkipped).toBe(false);
    a.unlockSkipped = false;
    expect(store.size).toBe(0);
  });
});

describe("secret-storage key cache", () => {
  it("answers the SDK only for the key it holds, and forgets (zeroes) it", async () => {
    const cache = new SecretStorageKeyCache();
    const key = new Uint8Array([1, 2, 3]);
    const ask = (ids: string[]) =>
      cache.callbacks.getSecretStorageKey!(
        { keys: Object.fromEntries(ids.map((id) => [id, {} as never])) },
        "m.cross_signing.master",
      );
    expect(await ask(["k1"])).toBeNull();
    cache.hold("k1", key);
    expect(await ask(["k2"])).toBeNull();
    expect(await ask(["k2", "k1"])).toEqual(["k1", key]);
    cache.forget();
    expect([...key]).toEqual([0, 0, 0]);
    expect(await ask(["k1"])).toBeNull();
  });
});
