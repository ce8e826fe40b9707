import { describe, expect, it } from "vitest";
import { OpenIDRequestState, type IOpenIDUpdate, type IRoomEvent } from "matrix-widget-api";
import { CapabilityPolicy } from "../../widgets/src/policy/capability-policy.ts";
import {
  groupToDeviceContents,
  MatrixWidgetDriver,
  WidgetDriverError,
} from "../../widgets/src/host/widget-driver.ts";
import type { WidgetMatrixClient } from "../../widgets/src/host/widget-client.ts";
import { NoRtcTransportError } from "../../widgets/src/host/rtc-transports.ts";

const ROOM = "!room:ministere-a.localhost";

/** A fake session recording what the driver asks of it (unit test of the driver's logic only). */
function fakeClient(over: Partial<WidgetMatrixClient> = {}) {
  const calls: unknown[][] = [];
  const rec =
    (name: string, result: unknown = {}) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return Promise.resolve(result);
    };
  const ev = (id: string, type: string, extra: Partial<IRoomEvent> = {}): IRoomEvent => ({
    event_id: id,
    type,
    sender: "@a:x",
    room_id: ROOM,
    origin_server_ts: 0,
    content: {},
    unsigned: {},
    ...extra,
  });
  const client: WidgetMatrixClient = {
    userId: "@a:ministere-a.localhost",
    deviceId: "DEV",
    baseUrl: "http://127.0.0.1:8008",
    sendStateEvent: rec("sendStateEvent", {
      event_id: "$state",
    }) as WidgetMatrixClient["sendStateEvent"],
    sendEvent: rec("sendEvent", { event_id: "$ev" }) as WidgetMatrixClient["sendEvent"],
    redactEvent: rec("redactEvent", { event_id: "$red" }) as WidgetMatrixClient["redactEvent"],
    sendDelayedStateEvent: rec("sendDelayedStateEvent", {
      delay_id: "d1",
    }) as WidgetMatrixClient["sendDelayedStateEvent"],
    sendDelayedEvent: rec("sendDelayedEvent", {
      delay_id: "d2",
    }) as WidgetMatrixClient["sendDelayedEvent"],
    updateDelayedEvent: rec(
      "updateDelayedEvent",
      undefined,
    ) as WidgetMatrixClient["updateDelayedEvent"],
    sendEncryptedToDevice: rec(
      "sendEncryptedToDevice",
      undefined,
    ) as WidgetMatrixClient["sendEncryptedToDevice"],
    sendToDevice: rec("sendToDevice", undefined) as WidgetMatrixClient["sendToDevice"],
    roomState: (roomId, type, key) => {
      calls.push(["roomState", roomId, type, key]);
      return [ev("$m", type, { state_key: key ?? "" })];
    },
    roomTimeline: () => [
      ev("$1", "m.reaction"),
      ev("$2", "io.element.call.encryption_keys"),
      ev("$3", "m.reaction"),
      ev("$4", "m.room.message", { content: { msgtype: "m.text" } }),
      ev("$5", "m.reaction"),
    ],
    knownRoomIds: () => [ROOM],
    openIdToken: async () => ({
      access_token: "secret",
      token_type: "Bearer",
      matrix_server_name: "x",
      expires_in: 3600,
    }),
    homeserverRtcTransports: async () => ({
      rtc_transports: [{ type: "livekit", livekit_service_url: "http://auth" }],
    }),
    clientWellKnown: async () => null,
    downloadMedia: async () => new Blob(["x"]),
    ...over,
  };
  return { client, calls };
}

function driverFor(client: WidgetMatrixClient, trust: "call" | "third" = "call") {
  const policy = new CapabilityPolicy({
    widgetId: "w",
    widgetName: "w",
    widgetOrigin: "http://127.0.0.1",
    roomId: ROOM,
    trust:
      trust === "call"
        ? {
            kind: "element-call",
            identity: { roomId: ROOM, userId: client.userId, deviceId: client.deviceId },
          }
        : { kind: "third-party" },
  });
  return new MatrixWidgetDriver(client, policy, ROOM);
}

describe("widget driver", () => {
  it("sends state, room events and redactions the way the homeserver expects", async () => {
    const { client, calls } = fakeClient();
    const d = driverFor(client);
    expect(
      await d.sendEvent("org.matrix.msc3401.call.member", { a: 1 }, "_@a_DEV_m.call", null),
    ).toEqual({
      roomId: ROOM,
      eventId: "$state",
    });
    await d.sendEvent("org.matrix.msc4075.rtc.notification", { n: 1 }, null, ROOM);
    await d.sendEvent("m.room.redaction", { redacts: "$target", reason: "oops" });
    expect(calls).toEqual([
      ["sendStateEvent", ROOM, "org.matrix.msc3401.call.member", { a: 1 }, "_@a_DEV_m.call"],
      ["sendEvent", ROOM, "org.matrix.msc4075.rtc.notification", { n: 1 }],
      ["redactEvent", ROOM, "$target", "oops"],
    ]);
    await expect(d.sendEvent("m.room.redaction", {})).rejects.toBeInstanceOf(WidgetDriverError);
  });

  it("schedules and updates delayed events (MSC4140)", async () => {
    const { client, calls } = fakeClient();
    const d = driverFor(client);
    expect(
      await d.sendDelayedEvent(18_000, "org.matrix.msc3401.call.member", {}, "_k", null),
    ).toEqual({
      roomId: ROOM,
      delayId: "d1",
    });
    await d.restartScheduledDelayedEvent("d1");
    await d.cancelScheduledDelayedEvent("d1");
    await d.sendScheduledDelayedEvent("d1");
    expect(calls).toEqual([
      ["sendDelayedStateEvent", ROOM, 18_000, "org.matrix.msc3401.call.member", {}, "_k"],
      ["updateDelayedEvent", "d1", "restart"],
      ["updateDelayedEvent", "d1", "cancel"],
      ["updateDelayedEvent", "d1", "send"],
    ]);
  });

  it("encrypts to-device messages once per distinct content", async () => {
    const { client, calls } = fakeClient();
    const d = driverFor(client);
    const k1 = { keys: "one" };
    await d.sendToDevice("io.element.call.encryption_keys", true, {
      "@b:x": { B1: k1, B2: k1 },
      "@c:y": { C1: { keys: "two" } },
    });
    expect(calls).toEqual([
      [
        "sendEncryptedToDevice",
        "io.element.call.encryption_keys",
        [
          { userId: "@b:x", deviceId: "B1" },
          { userId: "@b:x", deviceId: "B2" },
        ],
        k1,
      ],
      [
        "sendEncryptedToDevice",
        "io.element.call.encryption_keys",
        [{ userId: "@c:y", deviceId: "C1" }],
        { keys: "two" },
      ],
    ]);
  });

  it("sends unencrypted to-device messages as they are", async () => {
    const { client, calls } = fakeClient();
    await driverFor(client).sendToDevice("m.call.invite", false, { "@b:x": { B1: { x: 1 } } });
    expect(calls).toEqual([
      ["sendToDevice", "m.call.invite", [{ userId: "@b:x", deviceId: "B1", payload: { x: 1 } }]],
    ]);
  });

  it("groups only byte-identical contents together", () => {
    expect(
      groupToDeviceContents({ "@b:x": { B1: { a: 1 } }, "@c:x": { C1: { a: 1 } } }),
    ).toHaveLength(1);
    expect(
      groupToDeviceContents({ "@b:x": { B1: { a: 1 } }, "@c:x": { C1: { a: 2 } } }),
    ).toHaveLength(2);
  });

  it("reads the timeline newest first, filtered, limited and stopping at `since`", async () => {
    const { client } = fakeClient();
    const d = driverFor(client);
    const ids = async (...a: Parameters<MatrixWidgetDriver["readRoomTimeline"]>) =>
      (await d.readRoomTimeline(...a)).map((e) => e.event_id);
    expect(await ids(ROOM, "m.reaction", undefined, undefined, 0, undefined)).toEqual([
      "$5",
      "$3",
      "$1",
    ]);
    expect(await ids(ROOM, "m.reaction", undefined, undefined, 2, undefined)).toEqual(["$5", "$3"]);
    expect(await ids(ROOM, "m.reaction", undefined, undefined, 0, "$3")).toEqual(["$5"]);
    expect(await ids(ROOM, "m.room.message", "m.notice", undefined, 0, undefined)).toEqual([]);
    expect(await ids(ROOM, "m.room.message", "m.text", undefined, 0, undefined)).toEqual(["$4"]);
  });

  it("gives our call widget an OpenID token and third-party widgets none by default", async () => {
    const updates = async (trust: "call" | "third") => {
      const { client } = fakeClient();
      const seen: IOpenIDUpdate[] = [];
      driverFor(client, trust).askOpenID({
        update: (u: IOpenIDUpdate) => void seen.push(u),
        close: () => {},
      } as never);
      await new Promise((r) => setTimeout(r, 10));
      return seen;
    };
    const call = await updates("call");
    expect(call.map((u) => u.state)).toEqual([OpenIDRequestState.Allowed]);
    expect(call[0]?.token?.access_token).toBe("secret");
    expect((await updates("third")).map((u) => u.state)).toEqual([OpenIDRequestState.Blocked]);
  });

  it("finds RTC transports on the homeserver, then in .well-known", async () => {
    const hs = fakeClient();
    expect((await driverFor(hs.client).getRtcTransports()).rtc_transports).toEqual([
      { type: "livekit", livekit_service_url: "http://auth" },
    ]);
    const wk = fakeClient({
      homeserverRtcTransports: () => Promise.reject(new Error("M_UNRECOGNIZED")),
      clientWellKnown: async () => ({
        "org.matrix.msc4143.rtc_foci": [
          { type: "livekit", livekit_service_url: "http://wk" },
          { nope: 1 },
        ],
      }),
    });
    expect((await driverFor(wk.client).getRtcTransports()).rtc_transports).toEqual([
      { type: "livekit", livekit_service_url: "http://wk" },
    ]);
    const none = fakeClient({ homeserverRtcTransports: async () => ({ transports: [] }) });
    await expect(driverFor(none.client).getRtcTransports()).rejects.toBeInstanceOf(
      NoRtcTransportError,
    );
  });

  it("passes Matrix API errors through so the widget sees errcodes", () => {
    const { client } = fakeClient();
    const d = driverFor(client);
    const data = {
      http_status: 400,
      http_headers: {},
      url: "u",
      response: { errcode: "M_MAX_DELAY_EXCEEDED", error: "too long" },
    };
    expect(d.processError({ asWidgetApiErrorData: () => data })).toEqual({
      matrix_api_error: data,
    });
    expect(d.processError(new Error("plain"))).toBeUndefined();
  });

  it("lists known rooms and answers capability validation through the policy", async () => {
    const { client } = fakeClient();
    const d = driverFor(client, "third");
    expect(d.getKnownRooms()).toEqual([ROOM]);
    expect((await d.validateCapabilities(new Set(["m.always_on_screen"]))).size).toBe(0);
  });
});
