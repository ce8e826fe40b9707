import {
  AddTrackRequest,
  Encryption_Type,
  TrackSource,
  TrackType,
  VideoLayer,
} from "@livekit/protocol";
import { describe, expect, it } from "vitest";
import { configFromEnv, resolveConfig, SfuConfigError } from "../../../rtc/sfu/config.ts";
import {
  candidateAddress,
  filterSdpCandidates,
  parseMediaSections,
  sectionSends,
} from "../../../rtc/sfu/sdp.ts";
import { trackInfoFromRequest } from "../../../rtc/sfu/track-info.ts";

const offer = [
  "v=0",
  "o=- 1 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1 2",
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
  "a=mid:0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "a=mid:1",
  "a=sendonly",
  "a=msid:stream-a 11111111-aaaa",
  "m=video 9 UDP/TLS/RTP/SAVPF 96",
  "a=mid:2",
  "a=sendonly",
  "a=msid:stream-v 22222222-bbbb",
  "a=rid:q send",
  "a=rid:h send",
  "a=rid:f send",
  "a=simulcast:send q;h;f",
  "m=video 0 UDP/TLS/RTP/SAVPF 96",
  "a=mid:3",
  "a=inactive",
  "",
].join("\r\n");

describe("parseMediaSections", () => {
  it("maps mids to msid track ids (the AddTrackRequest cid) and simulcast rids", () => {
    const sections = parseMediaSections(offer);
    expect(sections.map((s) => [s.mid, s.kind, s.trackId ?? null])).toEqual([
      ["0", "application", null],
      ["1", "audio", "11111111-aaaa"],
      ["2", "video", "22222222-bbbb"],
      ["3", "video", null],
    ]);
    expect(sections[2]?.rids).toEqual(["q", "h", "f"]);
    expect(sections[1]?.rids).toEqual([]);
  });

  it("tells removed or inactive sections apart", () => {
    const sections = parseMediaSections(offer);
    expect(sections.map(sectionSends)).toEqual([true, true, true, false]);
  });
});

describe("candidates", () => {
  const sdp = [
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    "a=candidate:1 1 udp 2116026367 127.0.0.1 50002 typ host generation 0",
    "a=candidate:2 1 udp 2116026367 192.0.2.2 50003 typ host generation 0",
    "a=end-of-candidates",
  ].join("\r\n");

  it("reads a candidate's address", () => {
    expect(candidateAddress("candidate:1 1 udp 2116026367 127.0.0.1 50002 typ host")).toBe(
      "127.0.0.1",
    );
    expect(candidateAddress("garbage")).toBeUndefined();
  });

  it("keeps only announced candidates", () => {
    const out = filterSdpCandidates(sdp, (ip) => ip === "127.0.0.1");
    expect(out).toContain("127.0.0.1 50002");
    expect(out).not.toContain("192.0.2.2");
    expect(out.split("\r\n")).toHaveLength(3);
  });
});

describe("trackInfoFromRequest", () => {
  it("carries type, source, layers, simulcast and encryption into TrackInfo", () => {
    const req = new AddTrackRequest({
      cid: "22222222-bbbb",
      name: "camera",
      type: TrackType.VIDEO,
      source: TrackSource.CAMERA,
      width: 1280,
      height: 720,
      encryption: Encryption_Type.GCM,
      layers: [
        new VideoLayer({ quality: 0, width: 320, height: 180 }),
        new VideoLayer({ quality: 2, width: 1280, height: 720 }),
      ],
      simulcastCodecs: [{ codec: "vp8", cid: "22222222-bbbb", layers: [] }],
    });
    const info = trackInfoFromRequest(req, "TR_x");
    expect(info.sid).toBe("TR_x");
    expect(info.simulcast).toBe(true);
    expect(info.layers).toHaveLength(2);
    expect(info.encryption).toBe(Encryption_Type.GCM);
    expect(info.mimeType).toBe("video/vp8");
    expect(info.codecs[0]?.layers).toHaveLength(2);
  });

  it("defaults audio to opus", () => {
    const info = trackInfoFromRequest(
      new AddTrackRequest({ cid: "a", type: TrackType.AUDIO, source: TrackSource.MICROPHONE }),
      "TR_a",
    );
    expect(info.mimeType).toBe("audio/opus");
    expect(info.simulcast).toBe(false);
  });
});

describe("config", () => {
  const secret = "s".repeat(32);

  it("reads the environment", () => {
    const cfg = resolveConfig(
      configFromEnv({
        SFU_API_KEY: "k",
        SFU_API_SECRET: secret,
        SFU_PORT: "7881",
        SFU_UDP_PORT_MIN: "40000",
        SFU_UDP_PORT_MAX: "40100",
        SFU_ANNOUNCED_IP: "203.0.113.5",
        SFU_AUTO_CREATE: "true",
      }),
    );
    expect(cfg).toMatchObject({
      port: 7881,
      udpPortMin: 40000,
      udpPortMax: 40100,
      announcedIp: "203.0.113.5",
      autoCreate: true,
    });
  });

  it("defaults to production-like settings (no auto-create, 7880, 50000-50200)", () => {
    const cfg = resolveConfig(configFromEnv({ SFU_API_KEY: "k", SFU_API_SECRET: secret }));
    expect(cfg).toMatchObject({
      port: 7880,
      udpPortMin: 50000,
      udpPortMax: 50200,
      autoCreate: false,
    });
  });

  it("refuses bad values without echoing the secret", () => {
    expect(() =>
      resolveConfig(configFromEnv({ SFU_API_KEY: "k", SFU_API_SECRET: "short" })),
    ).toThrow(SfuConfigError);
    try {
      resolveConfig(configFromEnv({ SFU_API_KEY: "k", SFU_API_SECRET: "short" }));
    } catch (e) {
      expect(String(e)).not.toContain("short");
    }
    expect(() => configFromEnv({ SFU_PORT: "abc" })).toThrow(/SFU_PORT/);
    expect(() => configFromEnv({ SFU_AUTO_CREATE: "maybe" })).toThrow(/SFU_AUTO_CREATE/);
    expect(() =>
      resolveConfig({ apiKey: "k", apiSecret: secret, udpPortMin: 5000, udpPortMax: 4000 }),
    ).toThrow(/udpPortMin/);
  });
});
