import { describe, expect, it } from "vitest";
import {
  elementCallCapabilities,
  ownMembershipStateKeys,
} from "../../widgets/src/element-call/capabilities.ts";
import {
  CapabilityPolicy,
  approvalKey,
  type ApprovalStore,
  type CapabilityRequest,
} from "../../widgets/src/policy/capability-policy.ts";

const identity = {
  roomId: "!r:ministere-a.localhost",
  userId: "@a:ministere-a.localhost",
  deviceId: "DEV",
};

/** What Element Call 0.26.1 requests (from its widget bootstrap and matrix-js-sdk's RoomWidgetClient). */
function elementCallRequest(): string[] {
  const send = (t: string) => `org.matrix.msc2762.send.event:${t}`;
  const recv = (t: string) => `org.matrix.msc2762.receive.event:${t}`;
  const both = [
    "org.matrix.rageshake_request",
    "io.element.call.encryption_keys",
    "m.reaction",
    "m.room.redaction",
    "io.element.call.reaction",
    "org.matrix.msc4310.rtc.decline",
    "org.matrix.msc4143.rtc.member",
  ];
  const toDevice = ["m.call.invite", "io.element.call.encryption_keys"];
  return [
    "m.always_on_screen",
    "org.matrix.msc4039.download_file",
    `org.matrix.msc2762.timeline:${identity.roomId}`,
    ...["org.matrix.msc4075.call.notify", "org.matrix.msc4075.rtc.notification", ...both].map(send),
    ...both.map(recv),
    ...ownMembershipStateKeys(identity).map(
      (k) => `org.matrix.msc2762.send.state_event:org.matrix.msc3401.call.member#${k}`,
    ),
    ...["m.room.create", "m.room.name", "m.room.member", "m.room.encryption"].map(
      (t) => `org.matrix.msc2762.receive.state_event:${t}`,
    ),
    "org.matrix.msc2762.receive.state_event:org.matrix.msc3401.call.member",
    ...toDevice.map((t) => `org.matrix.msc3819.send.to_device:${t}`),
    ...toDevice.map((t) => `org.matrix.msc3819.receive.to_device:${t}`),
    "org.matrix.msc4157.send.delayed_event",
    "org.matrix.msc4157.update_delayed_event",
    "org.matrix.msc4407.send.sticky_event",
    "org.matrix.msc4407.receive.sticky_event",
    "org.matrix.msc4515.rtc_transports",
  ];
}

function memoryStore(): ApprovalStore & { data: Map<string, string[]> } {
  const data = new Map<string, string[]>();
  return { data, get: (k) => data.get(k) ?? [], set: (k, v) => void data.set(k, v) };
}

describe("Element Call capabilities", () => {
  it("grants our call widget everything Element Call needs except sticky events", async () => {
    const policy = new CapabilityPolicy({
      widgetId: "w",
      widgetName: "Element Call",
      widgetOrigin: "http://127.0.0.1:1",
      roomId: identity.roomId,
      trust: { kind: "element-call", identity },
    });
    const requested = elementCallRequest();
    const granted = await policy.decide(requested);
    const refused = requested.filter((c) => !granted.has(c));
    expect(refused.sort()).toEqual([
      "org.matrix.msc4407.receive.sticky_event",
      "org.matrix.msc4407.send.sticky_event",
    ]);
  });

  it("never lets the call widget write another device's membership or act in another room", async () => {
    const policy = new CapabilityPolicy({
      widgetId: "w",
      widgetName: "Element Call",
      widgetOrigin: "http://127.0.0.1:1",
      roomId: identity.roomId,
      trust: { kind: "element-call", identity },
    });
    const granted = await policy.decide([
      "org.matrix.msc2762.send.state_event:org.matrix.msc3401.call.member#_@b:ministere-b.localhost_X_m.call",
      "org.matrix.msc2762.send.state_event:org.matrix.msc3401.call.member",
      "org.matrix.msc2762.timeline:*",
      "org.matrix.msc2762.timeline:!other:ministere-a.localhost",
      "org.matrix.msc2762.send.event:m.room.message",
      "org.matrix.msc2762.send.state_event:m.room.power_levels",
    ]);
    expect([...granted]).toEqual([]);
  });

  it("covers membership keys of the user and device only", () => {
    const caps = elementCallCapabilities(identity);
    const memberCaps = [...caps].filter((c) => c.includes("call.member#"));
    expect(memberCaps).toHaveLength(3);
    for (const c of memberCaps) expect(c).toContain(identity.userId);
  });
});

describe("third-party widget policy", () => {
  const base = {
    widgetId: "poll",
    widgetName: "Sondage",
    widgetOrigin: "https://widgets.example",
    roomId: "!r:ministere-a.localhost",
    trust: { kind: "third-party" } as const,
  };

  it("grants nothing without an approver", async () => {
    const policy = new CapabilityPolicy(base);
    expect([
      ...(await policy.decide([
        "m.always_on_screen",
        "org.matrix.msc2762.send.event:m.room.message",
      ])),
    ]).toEqual([]);
    expect(await policy.allowOpenId()).toBe(false);
  });

  it("grants only what the user approves, out of what was asked", async () => {
    const asked: CapabilityRequest[] = [];
    const policy = new CapabilityPolicy({
      ...base,
      approver: async (req) => {
        asked.push(req);
        return { approved: ["m.always_on_screen", "m.not_requested"], remember: false };
      },
    });
    const granted = await policy.decide([
      "m.always_on_screen",
      "org.matrix.msc2762.send.event:m.room.message",
    ]);
    expect([...granted]).toEqual(["m.always_on_screen"]);
    expect(asked[0]?.capabilities).toEqual([
      "m.always_on_screen",
      "org.matrix.msc2762.send.event:m.room.message",
    ]);
    expect(asked[0]?.widgetOrigin).toBe("https://widgets.example");
  });

  it("refuses everything when the prompt fails", async () => {
    const policy = new CapabilityPolicy({
      ...base,
      approver: () => Promise.reject(new Error("closed")),
    });
    expect((await policy.decide(["m.always_on_screen"])).size).toBe(0);
  });

  it("remembers approvals per widget and room when asked to, and asks only for the rest", async () => {
    const store = memoryStore();
    let prompts = 0;
    const policy = new CapabilityPolicy({
      ...base,
      store,
      approver: async () => {
        prompts++;
        return { approved: ["m.always_on_screen"], remember: true };
      },
    });
    await policy.decide(["m.always_on_screen"]);
    expect(store.data.get(approvalKey("poll", base.roomId))).toEqual(["m.always_on_screen"]);
    const again = await policy.decide(["m.always_on_screen"]);
    expect([...again]).toEqual(["m.always_on_screen"]);
    expect(prompts).toBe(1);
    // A remembered approval in another room does not count here.
    expect(approvalKey("poll", "!other:x")).not.toBe(approvalKey("poll", base.roomId));
  });

  it("asks before handing out an OpenID token, telling the widget to wait", async () => {
    let pending = 0;
    const policy = new CapabilityPolicy({ ...base, openIdApprover: async () => true });
    expect(await policy.allowOpenId(() => pending++)).toBe(true);
    expect(pending).toBe(1);
  });
});
