import { describe, expect, it } from "vitest";
import {
  declines,
  MAX_RING_LIFETIME_MS,
  ringExpiry,
  ringFromNotification,
  type NotificationEventLike,
} from "../../widgets/src/calls/ring.ts";
import { NO_CALL, summariseCall } from "../../widgets/src/calls/room-call-model.ts";
import { parseRoomWidgets, roomWidgetDefinition } from "../../widgets/src/host/room-widgets.ts";

const ME = "@chloe:ministere-b.localhost";
const CALLER = "@alice:ministere-a.localhost";
const now = 1_800_000_000_000;

function notification(content: Record<string, unknown>, over: Partial<NotificationEventLike> = {}) {
  return {
    type: "org.matrix.msc4075.rtc.notification",
    event_id: "$n",
    room_id: "!dm:ministere-a.localhost",
    sender: CALLER,
    origin_server_ts: now - 1_000,
    content: {
      notification_type: "ring",
      sender_ts: now - 1_000,
      lifetime: 30_000,
      "m.call.intent": "video",
      "m.mentions": { user_ids: [ME] },
      ...content,
    },
    ...over,
  };
}

describe("rings", () => {
  it("rings for a fresh ring notification from someone else", () => {
    expect(ringFromNotification(notification({}), ME, true, now)).toEqual({
      roomId: "!dm:ministere-a.localhost",
      notificationEventId: "$n",
      callerId: CALLER,
      intent: "video",
      expiresAt: now + 29_000,
    });
    expect(
      ringFromNotification(notification({ "m.call.intent": "audio" }), ME, true, now)?.intent,
    ).toBe("audio");
  });

  it("does not ring for my own call, a plain notification, an expired one or another type", () => {
    expect(ringFromNotification(notification({}, { sender: ME }), ME, true, now)).toBeNull();
    expect(
      ringFromNotification(notification({ notification_type: "notification" }), ME, true, now),
    ).toBeNull();
    expect(
      ringFromNotification(notification({ sender_ts: now - 40_000 }), ME, true, now),
    ).toBeNull();
    expect(
      ringFromNotification(notification({}, { type: "m.room.message" }), ME, true, now),
    ).toBeNull();
  });

  it("rings in a DM for an untyped notification that mentions me (MSC4075 without notification_type)", () => {
    const ev = notification({ notification_type: undefined });
    expect(ringFromNotification(ev, ME, true, now)).not.toBeNull();
    expect(ringFromNotification(ev, ME, false, now)).toBeNull();
    expect(
      ringFromNotification(
        notification({ notification_type: undefined, "m.mentions": {} }),
        ME,
        true,
        now,
      ),
    ).toBeNull();
  });

  it("caps the lifetime at two minutes and distrusts a sender clock far ahead", () => {
    expect(ringExpiry({ sender_ts: now, lifetime: 10 * 60_000 }, now)).toBe(
      now + MAX_RING_LIFETIME_MS,
    );
    // sender_ts 60 s ahead of the server: measured from origin_server_ts instead.
    expect(ringExpiry({ sender_ts: now + 60_000, lifetime: 30_000 }, now)).toBe(now + 30_000);
    expect(ringExpiry({ sender_ts: now + 5_000, lifetime: 30_000 }, now)).toBe(now + 35_000);
    expect(ringExpiry({ lifetime: -5 }, now)).toBe(now);
  });

  it("recognises my decline of this ring only", () => {
    const ring = ringFromNotification(notification({}), ME, true, now)!;
    const decline = (over: Record<string, unknown> = {}, sender = ME) => ({
      type: "org.matrix.msc4310.rtc.decline",
      sender,
      content: { "m.relates_to": { rel_type: "m.reference", event_id: "$n" }, ...over },
    });
    expect(declines(decline(), ring, ME)).toBe(true);
    expect(declines(decline({}, CALLER), ring, ME)).toBe(false);
    expect(
      declines(
        decline({ "m.relates_to": { rel_type: "m.reference", event_id: "$other" } }),
        ring,
        ME,
      ),
    ).toBe(false);
  });
});

describe("call banner summary", () => {
  const me = { userId: ME, deviceId: "PHONE" };
  const names: Record<string, string> = {
    [ME]: "Chloé Bernard [Min. B]",
    [CALLER]: "Alice Martin [Min. A]",
  };
  const nameOf = (id: string) => names[id] ?? id;

  it("has no call without memberships", () => {
    expect(summariseCall([], me, nameOf)).toBe(NO_CALL);
  });

  it("lists each user once, sorted, counts devices and knows whether this device is in", () => {
    const s = summariseCall(
      [
        { sender: CALLER, deviceId: "A1" },
        { sender: CALLER, deviceId: "A2" },
        { sender: ME, deviceId: "LAPTOP" },
      ],
      me,
      nameOf,
    );
    expect(s.participants).toEqual([
      { userId: CALLER, displayName: "Alice Martin [Min. A]", devices: 2 },
      { userId: ME, displayName: "Chloé Bernard [Min. B]", devices: 1 },
    ]);
    expect(s.ongoing).toBe(true);
    expect(s.joinedHere).toBe(false);
    expect(summariseCall([{ sender: ME, deviceId: "PHONE" }], me, nameOf).joinedHere).toBe(true);
  });

  it("is a voice call only when every member joined for audio", () => {
    expect(
      summariseCall([{ sender: CALLER, deviceId: "A", callIntent: "audio" }], me, nameOf).intent,
    ).toBe("audio");
    expect(
      summariseCall(
        [
          { sender: CALLER, deviceId: "A", callIntent: "audio" },
          { sender: ME, deviceId: "B", callIntent: "video" },
        ],
        me,
        nameOf,
      ).intent,
    ).toBe("video");
  });
});

describe("room widgets", () => {
  const ev = (content: Record<string, unknown>, stateKey = "w1") => ({
    type: "im.vector.modular.widgets",
    state_key: stateKey,
    sender: CALLER,
    content,
  });

  it("reads valid widgets and skips removed, non-http and id-less ones", () => {
    const widgets = parseRoomWidgets([
      ev({
        id: "w1",
        type: "m.custom",
        name: "Sondage",
        url: "https://w.example/p?r=$matrix_room_id",
      }),
      ev({}, "w2"),
      ev({ id: "w3", url: "javascript:alert(1)" }, "w3"),
      ev({ url: "https://w.example/" }, ""),
      { ...ev({ id: "x", url: "https://x" }), type: "m.room.topic" },
    ]);
    expect(widgets).toEqual([
      {
        id: "w1",
        name: "Sondage",
        type: "m.custom",
        templateUrl: "https://w.example/p?r=$matrix_room_id",
        creatorUserId: CALLER,
        data: {},
      },
    ]);
  });

  it("fills the URL template and adds widgetId and parentUrl", () => {
    const [w] = parseRoomWidgets([
      ev({ id: "w1", url: "https://w.example/p?r=$matrix_room_id&u=$matrix_user_id" }),
    ]);
    const def = roomWidgetDefinition(w!, {
      roomId: "!r:x",
      userId: ME,
      parentUrl: "https://chat.example/#/room/!r:x",
    });
    const url = new URL(def.url);
    expect(url.origin).toBe("https://w.example");
    expect(url.searchParams.get("r")).toBe("!r:x");
    expect(url.searchParams.get("u")).toBe(ME);
    expect(url.searchParams.get("widgetId")).toBe("w1");
    expect(url.searchParams.get("parentUrl")).toBe("https://chat.example/");
  });
});
