import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import {
  VerificationPhase,
  VerificationRequestEvent,
  VerifierEvent,
  type EmojiMapping,
  type ShowSasCallbacks,
} from "matrix-js-sdk/lib/crypto-api/index.js";
import { SAS_EMOJI, sasEmojiName } from "../../web/src/encryption/sas-emoji.ts";
import { buildTimeline } from "../../web/src/timeline/timeline-model.ts";
import type {
  SasVerifier,
  VerificationPort,
  VerificationRequestLike,
} from "../../web/src/encryption/verification-port.ts";
import {
  cancelReason,
  VerificationViewModel,
} from "../../web/src/encryption/verification-view-model.ts";

const ME = "@alice:ministere-a.localhost";
const CHLOE = "@chloe:ministere-b.localhost";
const DM = "!dm:ministere-a.localhost";
const EMOJI: EmojiMapping[] = [
  ["🐶", "Dog"],
  ["☁", "Cloud"],
  ["👍", "Thumbs Up"],
  ["🔧", "Spanner"],
  ["🎧", "Headphones"],
  ["📌", "Pin"],
  ["🐧", "Penguin"],
];

describe("SAS emoji names", () => {
  it("ships the spec's 64 emoji, each with a French name", () => {
    expect(SAS_EMOJI).toHaveLength(64);
    expect(new Set(SAS_EMOJI.map((e) => e[0])).size).toBe(64);
    expect(SAS_EMOJI.every(([, en, fr]) => en.length > 0 && fr.length > 0)).toBe(true);
  });

  it("names the SDK's emoji in French, with or without the variation selector", () => {
    expect(EMOJI.map(([e, en]) => sasEmojiName(e, en, "fr"))).toEqual([
      "Chien",
      "Nuage",
      "Pouce en l’air",
      "Clé à molette",
      "Casque audio",
      "Punaise",
      "Manchot",
    ]);
    expect(sasEmojiName("☁️", "Cloud", "fr")).toBe("Nuage");
    expect(sasEmojiName("🐶", "Dog", "en")).toBe("Dog");
  });

  it("finds the name by the English word when the glyph differs, else keeps the SDK's", () => {
    expect(sasEmojiName("?", "thumbs up", "fr")).toBe("Pouce en l’air");
    expect(sasEmojiName("?", "Unknown", "fr")).toBe("Unknown");
  });
});

describe("cancellation reasons", () => {
  it("maps the spec's codes", () => {
    expect(cancelReason("m.mismatched_sas")).toBe("mismatch");
    expect(cancelReason("m.key_mismatch")).toBe("mismatch");
    expect(cancelReason("m.timeout")).toBe("timeout");
    expect(cancelReason("m.user")).toBe("declined");
    expect(cancelReason("m.accepted")).toBe("elsewhere");
    expect(cancelReason("m.unknown_method")).toBe("failed");
  });
});

/** A verification request the test moves through its phases, as the SDK's would. */
class FakeRequest extends EventEmitter implements VerificationRequestLike {
  phase = VerificationPhase.Requested;
  accepting = false;
  verifier: FakeVerifier | undefined;
  cancellationCode: string | null = null;
  cancellingUserId: string | undefined;
  calls: string[] = [];
  constructor(
    readonly initiatedByMe: boolean,
    readonly otherUserId = CHLOE,
    readonly isSelfVerification = false,
  ) {
    super();
  }
  move(phase: VerificationPhase) {
    this.phase = phase;
    this.emit(VerificationRequestEvent.Change);
  }
  async accept() {
    this.calls.push("accept");
    this.accepting = true;
  }
  async cancel() {
    this.calls.push("cancel");
    this.cancelledBy(ME, "m.user");
  }
  cancelledBy(userId: string, code: string) {
    this.cancellationCode = code;
    this.cancellingUserId = userId;
    this.move(VerificationPhase.Cancelled);
  }
  async startVerification(method: string) {
    this.calls.push(`start ${method}`);
    this.verifier = new FakeVerifier(this);
    this.move(VerificationPhase.Started);
    return this.verifier;
  }
}

class FakeVerifier extends EventEmitter implements SasVerifier {
  sas: ShowSasCallbacks | null = null;
  verifying = false;
  constructor(private readonly request: FakeRequest) {
    super();
  }
  verify() {
    this.verifying = true;
    return new Promise<void>(() => undefined);
  }
  getShowSasCallbacks() {
    return this.sas;
  }
  showSas() {
    this.sas = {
      sas: { emoji: EMOJI },
      confirm: async () => void this.request.calls.push("confirm"),
      mismatch: () => this.request.cancelledBy(ME, "m.mismatched_sas"),
      cancel: () => this.request.cancelledBy(ME, "m.user"),
    };
    this.emit(VerifierEvent.ShowSas, this.sas);
  }
}

function fakePort(outgoing: FakeRequest, crossSigned = true) {
  const incoming = new EventEmitter();
  const port: VerificationPort = {
    myUserId: ME,
    requestOwnUserVerification: async () => outgoing,
    requestVerificationDM: async () => outgoing,
    onRequestReceived: (listener) => {
      incoming.on("request", listener);
      return () => incoming.off("request", listener);
    },
    displayName: (userId) => (userId === CHLOE ? "Chloé Bernard" : "Alice Martin"),
    thisDeviceCrossSigned: async () => crossSigned,
  };
  return { port, receive: (r: FakeRequest) => incoming.emit("request", r) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("VerificationViewModel", () => {
  it("runs my request to a person: waiting, emoji, confirmed, done", async () => {
    const request = new FakeRequest(true);
    const vm = new VerificationViewModel(fakePort(request).port);
    const outcome = vm.requestUser(CHLOE, DM);
    await tick();
    expect(vm.current.get()).toMatchObject({ phase: "waiting", peer: { name: "Chloé Bernard" } });
    request.move(VerificationPhase.Ready);
    expect(request.calls).toEqual(["start m.sas.v1"]);
    expect(request.verifier?.verifying).toBe(true);
    request.verifier!.showSas();
    expect(vm.current.get()).toMatchObject({ phase: "sas", emoji: EMOJI, confirmed: false });
    vm.confirmMatch();
    expect(vm.current.get()).toMatchObject({ phase: "sas", confirmed: true });
    request.move(VerificationPhase.Done);
    expect(vm.current.get()).toMatchObject({ phase: "done" });
    await expect(outcome).resolves.toBe(true);
    expect(request.calls).toEqual(["start m.sas.v1", "confirm"]);
    vm.cancel();
    expect(vm.current.get()).toBeNull();
    vm.dispose();
  });

  it("shows an incoming request, accepts it and follows the other side's start", async () => {
    const { port, receive } = fakePort(new FakeRequest(true));
    const vm = new VerificationViewModel(port);
    const request = new FakeRequest(false);
    receive(request);
    expect(vm.current.get()).toMatchObject({ phase: "incoming", peer: { userId: CHLOE } });
    vm.accept();
    expect(vm.current.get()?.phase).toBe("waiting");
    request.move(VerificationPhase.Ready);
    // Only the side that asked starts the exchange.
    expect(request.calls).toEqual(["accept"]);
    request.verifier = new FakeVerifier(request);
    request.move(VerificationPhase.Started);
    expect(request.verifier.verifying).toBe(true);
    request.verifier.showSas();
    expect(vm.current.get()?.phase).toBe("sas");
    vm.mismatch();
    expect(vm.current.get()).toMatchObject({ phase: "cancelled", reason: "mismatch" });
    vm.dispose();
  });

  it("ignores a second incoming request while one is under way", () => {
    const { port, receive } = fakePort(new FakeRequest(true));
    const vm = new VerificationViewModel(port);
    const first = new FakeRequest(false);
    receive(first);
    receive(new FakeRequest(false, "@bob:ministere-b.localhost"));
    expect(vm.current.get()).toMatchObject({ phase: "incoming", peer: { userId: CHLOE } });
    vm.dispose();
    expect(first.calls).toEqual(["cancel"]);
  });

  it("refusing cancels on the other side and closes", () => {
    const { port, receive } = fakePort(new FakeRequest(true));
    const vm = new VerificationViewModel(port);
    const request = new FakeRequest(false, ME, true);
    receive(request);
    expect(vm.current.get()).toMatchObject({ phase: "incoming", peer: { self: true } });
    vm.cancel();
    expect(request.calls).toEqual(["cancel"]);
    expect(vm.current.get()).toBeNull();
    vm.dispose();
  });

  it("requestOwnDevice resolves once this device is cross-signed, not at « done »", async () => {
    const request = new FakeRequest(true, ME, true);
    let signed: (v: boolean) => void = () => undefined;
    const { port } = fakePort(request);
    const vm = new VerificationViewModel({
      ...port,
      thisDeviceCrossSigned: () => new Promise((resolve) => (signed = resolve)),
    });
    let result: boolean | null = null;
    void vm.requestOwnDevice().then((r) => (result = r));
    await tick();
    request.move(VerificationPhase.Ready);
    request.verifier!.showSas();
    vm.confirmMatch();
    request.move(VerificationPhase.Done);
    await tick();
    expect(vm.current.get()?.phase).toBe("done");
    expect(result).toBeNull();
    signed(true);
    await tick();
    expect(result).toBe(true);
    vm.dispose();
  });

  it("requestOwnDevice resolves false when the other device declines", async () => {
    const request = new FakeRequest(true, ME, true);
    const vm = new VerificationViewModel(fakePort(request).port);
    const outcome = vm.requestOwnDevice();
    await tick();
    // My other device refused: the cancelling user is me, yet it is the other side's refusal.
    request.cancelledBy(ME, "m.user");
    await expect(outcome).resolves.toBe(false);
    expect(vm.current.get()).toMatchObject({ phase: "cancelled", reason: "declined" });
    vm.dispose();
  });

  it("reports a request that could not be sent", async () => {
    const { port } = fakePort(new FakeRequest(true));
    const vm = new VerificationViewModel({
      ...port,
      requestVerificationDM: () => Promise.reject(new Error("offline")),
    });
    await expect(vm.requestUser(CHLOE, DM)).resolves.toBe(false);
    expect(vm.current.get()).toMatchObject({ phase: "cancelled", reason: "failed" });
    vm.dispose();
  });
});

describe("timeline", () => {
  it("does not show an in-DM verification request's English fallback as a message", () => {
    const base = {
      type: "m.room.message",
      sender: CHLOE,
      senderName: "Chloé Bernard [Min. B]",
      ts: Date.now(),
      status: "sent" as const,
      redacted: false,
      undecryptable: false,
      decrypting: false,
    };
    const items = buildTimeline({
      myUserId: ME,
      events: [
        {
          ...base,
          id: "$request",
          content: {
            msgtype: "m.key.verification.request",
            body: `${CHLOE} is requesting to verify your key, but your client does not support in-chat key verification.`,
          },
        },
        { ...base, id: "$hello", content: { msgtype: "m.text", body: "Bonjour" } },
      ],
    });
    expect(items.filter((i) => i.kind === "message").map((i) => i.id)).toEqual(["$hello"]);
  });
});
