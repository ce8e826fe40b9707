import { describe, expect, it } from "vitest";
import {
  buildTimeline,
  reuseUnchanged,
  type RawEvent,
} from "../../web/src/timeline/timeline-model.ts";

const ev = (id: string, body: string, extra: Partial<RawEvent> = {}): RawEvent => ({
  id,
  type: "m.room.message",
  sender: "@a:s",
  senderName: "A",
  ts: 1_700_000_000_000,
  content: { msgtype: "m.text", body },
  status: "sent",
  redacted: false,
  undecryptable: false,
  decrypting: false,
  ...extra,
});

describe("timeline items keep their identity when unchanged", () => {
  it("reuses unchanged rows, replaces changed ones, adds new ones", () => {
    const first = buildTimeline({ events: [ev("$1", "un"), ev("$2", "deux")], myUserId: "@me:s" });
    const reaction: RawEvent = {
      ...ev("$r", ""),
      type: "m.reaction",
      content: { "m.relates_to": { rel_type: "m.annotation", event_id: "$2", key: "👍" } },
    };
    const next = reuseUnchanged(
      first,
      buildTimeline({
        events: [ev("$1", "un"), ev("$2", "deux"), reaction, ev("$3", "trois")],
        myUserId: "@me:s",
      }),
    );
    const byId = (items: typeof first, id: string) => items.find((i) => i.id === id);
    expect(byId(next, "$1")).toBe(byId(first, "$1"));
    expect(byId(next, "day-" + first[0]!.id.slice(4))).toBe(first[0]);
    expect(byId(next, "$2")).not.toBe(byId(first, "$2")); // got a reaction
    expect(byId(next, "$3")).toBeDefined();
  });
  it("notices a message that finished decrypting", () => {
    const before = buildTimeline({
      events: [ev("$1", "", { type: "m.room.encrypted", decrypting: true })],
      myUserId: "@me:s",
    });
    const after = reuseUnchanged(
      before,
      buildTimeline({ events: [ev("$1", "clair")], myUserId: "@me:s" }),
    );
    expect(after.find((i) => i.id === "$1")).not.toBe(before.find((i) => i.id === "$1"));
  });
});
