/**
 * The embedded SFU against real livekit-client in Debian Chromium: three
 * participants exchange video/audio/data (plain and E2EE), mute, unpublish,
 * resume after a dropped signalling socket, leave and are removed via the
 * server API; bad tokens are refused.
 */
import {
  Encryption_Type,
  ListRoomsRequest,
  ListRoomsResponse,
  TrackSource,
} from "@livekit/protocol";
import { RoomServiceClient } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSfu, type RunningSfu } from "../../../rtc/sfu/index.ts";
import {
  adminToken,
  API_KEY,
  API_SECRET,
  launchChromium,
  type LaunchedChromium,
  mintToken,
  type PageServer,
  startPageServer,
  TestPage,
  waitFor,
} from "./harness.ts";

let sfu: RunningSfu;
let web: PageServer;
let chrome: LaunchedChromium;
let api: RoomServiceClient;

beforeAll(async () => {
  sfu = await startSfu({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    port: 0,
    host: "127.0.0.1",
    announcedIp: "127.0.0.1",
    udpPortMin: 50000,
    udpPortMax: 50200,
    autoCreate: false,
  });
  web = await startPageServer();
  chrome = await launchChromium();
  api = new RoomServiceClient(sfu.httpUrl, API_KEY, API_SECRET);
});

afterAll(async () => {
  await chrome?.close();
  await web?.close();
  await sfu?.stop();
});

async function joinAll(room: string, names: string[], e2eeKey?: string): Promise<TestPage[]> {
  const pages: TestPage[] = [];
  for (const name of names) {
    const page = await TestPage.open(chrome.context, web.url);
    await page.call("join", sfu.url, await mintToken(name, room), { e2eeKey });
    pages.push(page);
  }
  return pages;
}

/** Every page decodes video from every other page, keeps decoding it, and keeps receiving audio. */
async function expectMediaFlowing(pages: TestPage[], identities: string[]): Promise<void> {
  const snapshot = async () => Promise.all(pages.map((p) => p.call("stats")));
  const others = (i: number) => identities.filter((_, j) => j !== i);
  const first = await waitFor(
    "video decoded everywhere",
    async () => {
      const all = await snapshot();
      const ok = all.every((stats, i) =>
        others(i).every(
          (id) => (stats.find((s) => s.identity === id)?.videoFramesDecoded ?? 0) > 5,
        ),
      );
      return ok ? all : undefined;
    },
    30_000,
  );
  let last: unknown;
  await waitFor(
    "video and audio keep flowing",
    async () => {
      const now = await snapshot();
      last = now;
      return now.every((stats, i) =>
        others(i).every((id) => {
          const before = first[i]!.find((b) => b.identity === id)!;
          const after = stats.find((s) => s.identity === id);
          return (
            after !== undefined &&
            after.videoFramesDecoded >= before.videoFramesDecoded + 5 &&
            after.videoWidth > 0 &&
            after.audioBytes > before.audioBytes
          );
        }),
      );
    },
    20_000,
    1000,
  ).catch((e: unknown) => {
    throw new Error(`${String(e)}; first=${JSON.stringify(first)} last=${JSON.stringify(last)}`);
  });
}

describe("embedded SFU with livekit-client", () => {
  it("refuses a join while the room does not exist (autoCreate off), then CreateRoom allows it", async () => {
    const token = await mintToken("early", "call");
    const validate = await fetch(`${sfu.httpUrl}/rtc/validate?access_token=${token}`);
    expect(validate.status).toBe(404);
    expect(await validate.text()).toContain("requested room does not exist");
    const room = await api.createRoom({ name: "call", emptyTimeout: 60 });
    expect(room.name).toBe("call");
    expect(room.sid).toMatch(/^RM_/);
    const again = await fetch(`${sfu.httpUrl}/rtc/validate?access_token=${token}`);
    expect(again.status).toBe(200);
    const v1 = await fetch(`${sfu.httpUrl}/rtc/v1/validate?access_token=${token}`);
    expect(v1.status).toBe(404);
    expect(v1.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("refuses bad, expired and other-room tokens", async () => {
    const page = await TestPage.open(chrome.context, web.url);
    try {
      const cases: Array<[string, string, number, string]> = [
        [
          "bad signature",
          await mintToken("mallory", "call", { secret: "another-secret-0123456789abcdef012345" }),
          401,
          "invalid token",
        ],
        ["expired", await mintToken("late", "call", { ttl: -60 }), 401, "token is expired"],
        ["other room", await mintToken("lost", "other-room"), 404, "requested room does not exist"],
        [
          "no join grant",
          await mintToken("nojoin", "call", { grant: { roomJoin: false } }),
          403,
          "no roomJoin grant",
        ],
      ];
      for (const [what, token, status, reason] of cases) {
        const res = await fetch(`${sfu.httpUrl}/rtc/validate?access_token=${token}`);
        expect(res.status, what).toBe(status);
        const err = await page.call("join", sfu.url, token, { publish: false }).then(
          () => undefined,
          (e: unknown) => String(e),
        );
        expect(err, what).toContain(reason);
        expect(await page.call("state")).not.toBe("connected");
      }
    } finally {
      await page.close();
    }
  });

  it("three participants see and hear each other, relay data, mute, resume and leave", async () => {
    const names = ["alice", "bob", "carol"];
    const pages = await joinAll("call", names);
    const [alice, bob, carol] = pages as [TestPage, TestPage, TestPage];
    try {
      for (const [i, page] of pages.entries()) {
        await waitFor(
          "remote participants",
          async () => (await page.call("remoteIdentities")).length === 2,
        );
        expect(await page.call("remoteIdentities")).toEqual(names.filter((_, j) => j !== i));
      }
      await expectMediaFlowing(pages, names);

      // data packets relayed by the SFU, tagged with the sender's identity
      await alice.call("sendData", "hello");
      for (const page of [bob, carol]) {
        await waitFor("data relayed", async () =>
          (await page.call("received")).includes("alice:hello"),
        );
      }

      // mute is signalled to the others
      await alice.call("setCameraMuted", true);
      await waitFor("mute seen", async () =>
        (await bob.call("events")).includes("muted:alice:video"),
      );
      await alice.call("setCameraMuted", false);
      await waitFor("unmute seen", async () =>
        (await bob.call("events")).includes("unmuted:alice:video"),
      );

      // the server API sees the room and its participants
      const rooms = await api.listRooms();
      expect(rooms.find((r) => r.name === "call")?.numParticipants).toBe(3);
      const listed = await api.listParticipants("call");
      expect(listed.map((p) => p.identity).sort()).toEqual(names);
      expect(listed.every((p) => p.tracks.length === 2)).toBe(true);

      // dropped signalling socket: the client resumes the same session and media keeps flowing
      const sidBefore = listed.find((p) => p.identity === "alice")?.sid;
      await alice.call("simulateSignalReconnect");
      await waitFor("alice resumed", async () => (await alice.call("state")) === "connected");
      await expectMediaFlowing(pages, names);
      const afterResume = await api.listParticipants("call");
      expect(afterResume.find((p) => p.identity === "alice")?.sid).toBe(sidBefore);
      expect((await bob.call("events")).filter((e) => e === "left:alice")).toEqual([]);

      // leaving: the others see carol go
      await carol.call("leave");
      for (const page of [alice, bob]) {
        await waitFor(
          "carol gone",
          async () => !(await page.call("remoteIdentities")).includes("carol"),
        );
      }
      expect((await api.listParticipants("call")).map((p) => p.identity).sort()).toEqual([
        "alice",
        "bob",
      ]);

      // RemoveParticipant disconnects bob, alice sees him leave
      await api.removeParticipant("call", "bob");
      await waitFor("bob disconnected", async () => (await bob.call("state")) === "disconnected");
      await waitFor(
        "bob gone",
        async () => !(await alice.call("remoteIdentities")).includes("bob"),
      );
    } finally {
      for (const page of pages) await page.close();
    }
  });

  it("unpublishing a track removes it for the others", async () => {
    await api.createRoom({ name: "unpublish" });
    const pages = await joinAll("unpublish", ["dave", "erin"]);
    try {
      await expectMediaFlowing(pages, ["dave", "erin"]);
      await pages[0]!.call("unpublishCamera");
      await waitFor("camera unpublished", async () => {
        const dave = (await api.listParticipants("unpublish")).find((p) => p.identity === "dave");
        return dave?.tracks.every((t) => t.source !== TrackSource.CAMERA);
      });
    } finally {
      for (const page of pages) await page.close();
    }
  });

  it("forwards end-to-end encrypted media that only key holders decode", async () => {
    await api.createRoom({ name: "e2ee" });
    const names = ["frank", "grace", "heidi"];
    const pages = await joinAll("e2ee", names, "shared-call-key");
    // A subscriber with the wrong key receives the same forwarded packets but cannot decode them.
    const mallory = await TestPage.open(chrome.context, web.url);
    pages.push(mallory);
    await mallory.call("join", sfu.url, await mintToken("mallory", "e2ee"), {
      e2eeKey: "wrong-key",
      publish: false,
    });
    try {
      await expectMediaFlowing(pages.slice(0, 3), names);
      const listed = await api.listParticipants("e2ee");
      for (const p of listed) {
        for (const t of p.tracks)
          expect(t.encryption, `${p.identity} ${t.sid}`).toBe(Encryption_Type.GCM);
      }
      const seen = await mallory.call("stats");
      expect(seen.map((s) => s.identity).sort()).toEqual(names);
      for (const s of seen) {
        expect(s.audioBytes, `mallory receives ${s.identity}`).toBeGreaterThan(0);
        expect(s.videoFramesDecoded, `mallory cannot decode ${s.identity}`).toBe(0);
      }
    } finally {
      for (const page of pages) await page.close();
    }
  });

  it("guards the server API with grants and room scope", async () => {
    const wrongRoom = new RoomServiceClient(sfu.httpUrl, API_KEY, API_SECRET);
    await expect(wrongRoom.listParticipants("no-such-room")).rejects.toThrow(/does not exist/);
    const token = await adminToken({ roomAdmin: true, room: "elsewhere" });
    const res = await fetch(`${sfu.httpUrl}/twirp/livekit.RoomService/ListParticipants`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ room: "call" }),
    });
    expect(res.status).toBe(403);
    const anon = await fetch(`${sfu.httpUrl}/twirp/livekit.RoomService/ListRooms`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(anon.status).toBe(401);
    // protobuf bodies work too. The room is created here: earlier tests' rooms close once empty.
    await wrongRoom.createRoom({ name: "guarded" });
    const listToken = await adminToken({ roomList: true });
    const proto = await fetch(`${sfu.httpUrl}/twirp/livekit.RoomService/ListRooms`, {
      method: "POST",
      headers: { authorization: `Bearer ${listToken}`, "content-type": "application/protobuf" },
      body: Buffer.from(new ListRoomsRequest({ names: ["guarded"] }).toBinary()),
    });
    expect(proto.status).toBe(200);
    const decoded = ListRoomsResponse.fromBinary(new Uint8Array(await proto.arrayBuffer()));
    expect(decoded.rooms.map((r) => r.name)).toEqual(["guarded"]);
  });
});
