import { describe, expect, it } from "vitest";
import { Observable } from "../../web/src/core/observable.ts";
import {
  identityChanges,
  trustMark,
  UserTrustViewModel,
  type TrustPort,
  type UserTrustFacts,
} from "../../web/src/encryption/user-trust-view-model.ts";

const ME = "@alice:ministere-a.localhost";
const CHLOE = "@chloe:ministere-b.localhost";
const BOB = "@bob:ministere-b.localhost";
const facts = (verified: boolean, wasVerified: boolean, needsApproval = false): UserTrustFacts => ({
  verified,
  wasVerified,
  needsApproval,
});

describe("trust marks", () => {
  it("tells verified, changed after verification, changed, and unverified apart", () => {
    expect(trustMark(facts(true, true))).toBe("verified");
    expect(trustMark(facts(false, true, true))).toBe("changed-verified");
    expect(trustMark(facts(false, false, true))).toBe("changed");
    expect(trustMark(facts(false, false))).toBe("unverified");
  });

  it("lists the changed identities of a room, verified ones first", () => {
    const marks = new Map([
      [BOB, "changed" as const],
      [CHLOE, "changed-verified" as const],
      ["@dan:x", "verified" as const],
    ]);
    expect(identityChanges(marks, [BOB, "@dan:x", CHLOE])).toEqual([
      { userId: CHLOE, wasVerified: true },
      { userId: BOB, wasVerified: false },
    ]);
  });
});

function fakePort(initial: Record<string, UserTrustFacts>) {
  const state = new Map(Object.entries(initial));
  const listeners = new Set<(userId: string) => void>();
  const calls: string[] = [];
  const port: TrustPort = {
    myUserId: ME,
    status: async (userId) => state.get(userId) ?? facts(false, false),
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    withdrawVerification: async (userId) => {
      calls.push(`withdraw ${userId}`);
      state.set(userId, facts(false, false));
    },
    pinIdentity: async (userId) => {
      calls.push(`pin ${userId}`);
      state.set(userId, facts(false, false));
    },
  };
  const change = (userId: string, f: UserTrustFacts) => {
    state.set(userId, f);
    for (const l of listeners) l(userId);
  };
  return { port, calls, change, listeners };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("UserTrustViewModel", () => {
  it("follows the open room's members and their identity changes", async () => {
    const { port, change, calls, listeners } = fakePort({ [CHLOE]: facts(true, true) });
    const members = new Observable([{ userId: ME }, { userId: CHLOE }]);
    const open = new Observable<{ members: typeof members } | null>({ members });
    const vm = new UserTrustViewModel(port, open);
    await settle();
    expect(vm.marks.get()).toEqual(new Map([[CHLOE, "verified"]]));
    change(CHLOE, facts(false, true, true));
    await settle();
    expect(vm.marks.get().get(CHLOE)).toBe("changed-verified");
    members.set([...members.get(), { userId: BOB }]);
    await settle();
    expect(vm.marks.get().get(BOB)).toBe("unverified");
    await vm.acceptNewIdentity(CHLOE);
    expect(calls).toEqual([`withdraw ${CHLOE}`]);
    expect(vm.marks.get().get(CHLOE)).toBe("unverified");
    change(BOB, facts(false, false, true));
    await settle();
    await vm.acceptNewIdentity(BOB);
    expect(calls).toEqual([`withdraw ${CHLOE}`, `pin ${BOB}`]);
    vm.dispose();
    expect(listeners.size).toBe(0);
  });
});
