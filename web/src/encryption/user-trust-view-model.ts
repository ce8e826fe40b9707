import type { MatrixClient } from "matrix-js-sdk";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/index.js";
import { Disposer, Observable, type ReadonlyObservable } from "../core/observable.ts";

export type TrustMark =
  /** I verified this person's current identity. */
  | "verified"
  | "unverified"
  /** I had verified them and their identity changed since: maybe not them any more. */
  | "changed-verified"
  /** Not verified, but their identity changed since I first saw it. */
  | "changed";

/** A person's identity facts, as the crypto stack has them. */
export interface UserTrustFacts {
  verified: boolean;
  wasVerified: boolean;
  needsApproval: boolean;
}

export interface TrustPort {
  readonly myUserId: string;
  status(userId: string): Promise<UserTrustFacts>;
  /** Calls back with a user id whenever that user's identity or my trust in it changes. */
  onChange(listener: (userId: string) => void): () => void;
  /** Accepts the new identity of someone I had verified (they are then simply unverified). */
  withdrawVerification(userId: string): Promise<void>;
  /** Accepts the new identity of someone I had not verified. */
  pinIdentity(userId: string): Promise<void>;
}

export function trustMark(f: UserTrustFacts): TrustMark {
  if (f.verified) return "verified";
  if (f.wasVerified) return "changed-verified";
  return f.needsApproval ? "changed" : "unverified";
}

/** The people among `userIds` whose identity changed, verified ones first. */
export function identityChanges(
  marks: ReadonlyMap<string, TrustMark>,
  userIds: readonly string[],
): { userId: string; wasVerified: boolean }[] {
  return userIds
    .map((userId) => ({ userId, mark: marks.get(userId) }))
    .filter((x) => x.mark === "changed-verified" || x.mark === "changed")
    .map((x) => ({ userId: x.userId, wasVerified: x.mark === "changed-verified" }))
    .sort((a, b) => Number(b.wasVerified) - Number(a.wasVerified));
}

/** Whatever lists the people on screen (the open room's members). */
export type PeopleOnScreen = ReadonlyObservable<{
  members: ReadonlyObservable<readonly { userId: string }[]>;
} | null>;

/**
 * Who I verified, and whose identity changed, for the people on screen: the marks of the member
 * list and the DM header, and the warning shown before I write to someone whose identity changed.
 * Free of React; the chat view model owns it.
 */
export class UserTrustViewModel {
  readonly marks = new Observable<ReadonlyMap<string, TrustMark>>(new Map());
  private readonly disposer = new Disposer();
  private room = new Disposer();
  private readonly tracked = new Set<string>();

  constructor(
    private readonly port: TrustPort,
    onScreen: PeopleOnScreen,
  ) {
    this.disposer.add(
      port.onChange((userId) => {
        if (this.tracked.has(userId)) void this.refresh(userId);
      }),
    );
    const watchRoom = () => {
      this.room.dispose();
      this.room = new Disposer();
      const members = onScreen.get()?.members;
      if (!members) return;
      const track = () => this.track(members.get().map((m) => m.userId));
      this.room.add(members.subscribe(track));
      track();
    };
    this.disposer.add(onScreen.subscribe(watchRoom));
    this.disposer.add(() => this.room.dispose());
    watchRoom();
  }

  /** Fetches the marks of people not seen yet (later changes come by `onChange`). */
  track(userIds: readonly string[]): void {
    for (const userId of userIds) {
      if (userId === this.port.myUserId || this.tracked.has(userId)) continue;
      this.tracked.add(userId);
      void this.refresh(userId);
    }
  }

  /** « Accepter la nouvelle identité ». */
  async acceptNewIdentity(userId: string): Promise<void> {
    if (this.marks.get().get(userId) === "changed-verified")
      await this.port.withdrawVerification(userId);
    else await this.port.pinIdentity(userId);
    await this.refresh(userId);
  }

  private async refresh(userId: string): Promise<void> {
    let mark: TrustMark;
    try {
      mark = trustMark(await this.port.status(userId));
    } catch {
      return; // Keys not fetched yet (offline): the next change event brings them.
    }
    if (this.disposer.isDisposed || this.marks.get().get(userId) === mark) return;
    this.marks.update((m) => new Map(m).set(userId, mark));
  }

  dispose(): void {
    this.disposer.dispose();
  }
}

/** The port over a running client with Rust crypto. */
export function trustPort(client: MatrixClient): TrustPort {
  const crypto = () => {
    const c = client.getCrypto();
    if (!c) throw new Error("end-to-end encryption is not initialised");
    return c;
  };
  return {
    myUserId: client.getSafeUserId(),
    status: async (userId) => {
      const s = await crypto().getUserVerificationStatus(userId);
      return {
        verified: s.isCrossSigningVerified(),
        wasVerified: s.wasCrossSigningVerified(),
        needsApproval: s.needsUserApproval,
      };
    },
    onChange: (listener) => {
      const onTrust = (userId: string) => listener(userId);
      client.on(CryptoEvent.UserTrustStatusChanged, onTrust);
      return () => client.off(CryptoEvent.UserTrustStatusChanged, onTrust);
    },
    withdrawVerification: (userId) => crypto().withdrawVerificationRequirement(userId),
    pinIdentity: (userId) => crypto().pinCurrentUserIdentity(userId),
  };
}
