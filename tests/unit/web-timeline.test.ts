import { describe, expect, it } from "vitest";
import {
  buildTimeline,
  reuseUnchanged,
  stripReplyFallback,
  type MessageItem,
  type RawEvent,
} from "../../web/src/timeline/timeline-model.ts";

const ME = "@me:a.localhost";
const OTHER = "@other:b.localhost";
let n = 0;
function ev(p: Partial<RawEvent> & { content: Record<string, unknown> }): RawEvent {
  n++;
  return {
    id: `$e${n}`,
    type: "m.room.message",
    sender: OTHER,
    senderName: "Other Person [Min. B]",
    ts: new Date(2026, 10, 26, 10, n).getTime(),
    status: "sent",
    redacted: false,
    undecryptable: false,
    decrypting: false,
    ...p,
  };
}
const messages = (items: ReturnType<typeof buildTimeline>) =>
  items.filter((i): i is MessageItem => i.kind === "message");

describe("timeline model", () => {
  it("applies the latest edit by the same sender and ignores edits by others", () => {
    const original = ev({ content: { msgtype: "m.text", body: "v1" } });
    const edit1 = ev({
      content: {
        body: "* v2",
        "m.new_content": { msgtype: "m.text", body: "v2" },
        "m.relates_to": { rel_type: "m.replace", event_id: original.id },
      },
    });
    const forged = ev({
      sender: ME,
      content: {
        body: "* hacked",
        "m.new_content": { msgtype: "m.text", body: "hacked" },
        "m.relates_to": { rel_type: "m.replace", event_id: original.id },
      },
    });
    const [m] = messages(buildTimeline({ events: [original, edit1, forged], myUserId: ME }));
    expect(m).toMatchObject({ body: "v2", edited: true });
    expect(messages(buildTimeline({ events: [original, edit1], myUserId: ME }))).toHaveLength(1);
  });

  it("groups reactions by key, counts each sender once and knows mine", () => {
    const target = ev({ content: { msgtype: "m.text", body: "hello" } });
    const rel = { rel_type: "m.annotation", event_id: target.id, key: "👍" };
    const events = [
      target,
      ev({ type: "m.reaction", content: { "m.relates_to": rel } }),
      ev({ type: "m.reaction", content: { "m.relates_to": rel } }),
      ev({ type: "m.reaction", sender: ME, content: { "m.relates_to": rel } }),
      ev({
        type: "m.reaction",
        sender: ME,
        redacted: true,
        content: { "m.relates_to": { ...rel, key: "🎉" } },
      }),
    ];
    const [m] = messages(buildTimeline({ events, myUserId: ME }));
    expect(m!.reactions).toEqual([
      { key: "👍", count: 2, senders: [OTHER, ME], mine: events[3]!.id },
    ]);
  });

  it("inserts a date separator when the day changes", () => {
    const day1 = ev({
      ts: new Date(2026, 10, 25, 23, 59).getTime(),
      content: { msgtype: "m.text", body: "a" },
    });
    const day2a = ev({
      ts: new Date(2026, 10, 26, 0, 1).getTime(),
      content: { msgtype: "m.text", body: "b" },
    });
    const day2b = ev({
      ts: new Date(2026, 10, 26, 9, 0).getTime(),
      content: { msgtype: "m.text", body: "c" },
    });
    const kinds = buildTimeline({ events: [day1, day2a, day2b], myUserId: ME }).map((i) => i.kind);
    expect(kinds).toEqual(["day", "message", "day", "message", "message"]);
  });

  it("resolves replies, strips fallbacks, and marks redactions, failures and UTDs", () => {
    const first = ev({ content: { msgtype: "m.text", body: "question" } });
    const reply = ev({
      sender: ME,
      status: "failed",
      content: {
        msgtype: "m.text",
        body: "> <@other:b.localhost> question\n\nanswer",
        format: "org.matrix.custom.html",
        formatted_body: "<mx-reply><blockquote>question</blockquote></mx-reply>answer",
        "m.relates_to": { "m.in_reply_to": { event_id: first.id } },
      },
    });
    const gone = ev({ redacted: true, content: {} });
    const utd = ev({ type: "m.room.encrypted", undecryptable: true, content: {} });
    const [q, r, g, u] = messages(
      buildTimeline({ events: [first, reply, gone, utd], myUserId: ME }),
    );
    expect(q!.body).toBe("question");
    expect(r).toMatchObject({ body: "answer", html: "answer", status: "failed", mine: true });
    expect(r!.replyTo).toEqual({
      id: first.id,
      senderName: "Other Person [Min. B]",
      body: "question",
    });
    expect(g).toMatchObject({ redacted: true, body: "" });
    expect(u!.undecryptable).toBe(true);
    expect(u!.utdReason).toBe("unknown");
    expect(q!.utdReason).toBeNull();
  });

  it("says why a message is undecryptable, and shows it in place once its key arrives", () => {
    const waiting = ev({
      type: "m.room.encrypted",
      undecryptable: true,
      utdReason: "waiting",
      content: {},
    });
    const before = buildTimeline({ events: [waiting], myUserId: ME });
    expect(messages(before)[0]).toMatchObject({ undecryptable: true, utdReason: "waiting" });
    const decrypted: RawEvent = {
      ...waiting,
      type: "m.room.message",
      undecryptable: false,
      content: { msgtype: "m.text", body: "enfin lisible" },
    };
    delete decrypted.utdReason;
    const after = reuseUnchanged(before, buildTimeline({ events: [decrypted], myUserId: ME }));
    const row = messages(after)[0]!;
    expect(row).toMatchObject({ id: waiting.id, body: "enfin lisible", utdReason: null });
    expect(row).not.toBe(messages(before)[0]);
  });

  it("places other people's read receipts on the message they read up to", () => {
    const a = ev({ content: { msgtype: "m.text", body: "a" } });
    const b = ev({ sender: ME, content: { msgtype: "m.text", body: "b" } });
    const items = messages(
      buildTimeline({
        events: [a, b],
        myUserId: ME,
        readUpTo: new Map([
          [OTHER, b.id],
          [ME, b.id],
        ]),
        nameOf: () => "Other",
      }),
    );
    expect(items.map((i) => i.readBy)).toEqual([[], ["Other"]]);
  });

  it("stripReplyFallback leaves ordinary quotes alone when nothing follows", () => {
    expect(stripReplyFallback("plain")).toBe("plain");
    expect(stripReplyFallback("> a\n> b\n\nc")).toBe("c");
  });
});
