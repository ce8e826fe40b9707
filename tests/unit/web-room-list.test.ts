import { describe, expect, it } from "vitest";
import { splitAgency } from "../../web/src/core/agency.ts";
import { parseIdentifier } from "../../web/src/login/identifier.ts";
import { markdownToContent } from "../../web/src/timeline/markdown.ts";
import {
  foldForSearch,
  roomListView,
  totals,
  type RoomSummary,
} from "../../web/src/rooms/room-list.ts";
import { Disposer, Observable } from "../../web/src/core/observable.ts";

function room(p: Partial<RoomSummary>): RoomSummary {
  return {
    roomId: `!${p.name}:a`,
    kind: "room",
    name: "x",
    agency: null,
    encrypted: true,
    lastActivity: 0,
    unread: 0,
    mentions: 0,
    inviter: null,
    isPublic: false,
    ...p,
  };
}

describe("room list", () => {
  const rooms = [
    room({ name: "Budget", lastActivity: 10, unread: 2 }),
    room({ name: "Chloé Bernard", kind: "dm", agency: "Min. B", lastActivity: 30, mentions: 1 }),
    room({ name: "Invitation", kind: "invite", lastActivity: 1 }),
    room({ name: "Archives", lastActivity: 20 }),
  ];
  it("puts invites first, then the most recent activity", () => {
    expect(roomListView(rooms, "").map((r) => r.name)).toEqual([
      "Invitation",
      "Chloé Bernard",
      "Archives",
      "Budget",
    ]);
  });
  it("filters without caring about case or accents, also by agency", () => {
    expect(roomListView(rooms, "chloe").map((r) => r.name)).toEqual(["Chloé Bernard"]);
    expect(roomListView(rooms, "min. b").map((r) => r.name)).toEqual(["Chloé Bernard"]);
    expect(foldForSearch("Élysée")).toBe("elysee");
  });
  it("totals unread, mentions and invites", () => {
    expect(totals(rooms)).toEqual({ unread: 2, mentions: 1, invites: 1 });
  });
});

describe("small pure helpers", () => {
  it("splits the agency label from a Tchap display name", () => {
    expect(splitAgency("Alice Martin [Min. A]")).toEqual({
      name: "Alice Martin",
      agency: "Min. A",
    });
    expect(splitAgency("", "@x:y")).toEqual({ name: "@x:y", agency: null });
  });
  it("tells e-mail addresses from Matrix IDs", () => {
    expect(parseIdentifier(" Alice.Martin@Ministere-A.gouv.fr ")).toEqual({
      kind: "email",
      address: "alice.martin@ministere-a.gouv.fr",
    });
    expect(parseIdentifier("@alice:ministere-a.localhost")).toMatchObject({
      kind: "mxid",
      serverName: "ministere-a.localhost",
    });
    expect(parseIdentifier("alice")).toBeNull();
  });
  it("sends markdown as formatted_body and keeps typed HTML as text", () => {
    expect(markdownToContent("hello")).toEqual({ msgtype: "m.text", body: "hello" });
    expect(markdownToContent("**gras**")).toMatchObject({
      formatted_body: "<strong>gras</strong>",
    });
    const typed = markdownToContent("a <img src=x onerror=alert(1)> b");
    expect(typed.formatted_body ?? "").not.toContain("<img");
  });
  it("observables notify until unsubscribed; a disposer ends everything once", () => {
    const o = new Observable(1);
    const seen: number[] = [];
    const off = o.subscribe(() => seen.push(o.get()));
    o.set(2);
    o.set(2);
    off();
    o.set(3);
    expect(seen).toEqual([2]);
    const d = new Disposer();
    let ended = 0;
    d.add(() => ended++);
    d.dispose();
    d.add(() => ended++);
    expect(ended).toBe(2);
  });
});
