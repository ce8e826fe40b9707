import { describe, expect, it } from "vitest";
import {
  isVp8KeyFrame,
  Quality,
  qualityForSize,
  qualityOfRid,
  selectLayer,
} from "../../../rtc/sfu/layers.ts";
import { rembMantissaExp } from "../../../rtc/sfu/remb.ts";

const now = 10_000;
const layers = [
  { rid: "q", quality: Quality.LOW, lastPacketAt: now - 10 },
  { rid: "h", quality: Quality.MEDIUM, lastPacketAt: now - 10 },
  { rid: "f", quality: Quality.HIGH, lastPacketAt: now - 10 },
];

describe("selectLayer", () => {
  it("defaults to the highest active layer", () => {
    expect(selectLayer(layers, Quality.HIGH, now)?.rid).toBe("f");
  });

  it("skips layers that stopped (e.g. the publisher dropped its top layer)", () => {
    const stale = layers.map((l) => (l.rid === "f" ? { ...l, lastPacketAt: now - 5000 } : l));
    expect(selectLayer(stale, Quality.HIGH, now)?.rid).toBe("h");
  });

  it("respects the subscriber's maximum quality, falling back to the lowest active", () => {
    expect(selectLayer(layers, Quality.MEDIUM, now)?.rid).toBe("h");
    expect(selectLayer(layers, Quality.LOW, now)?.rid).toBe("q");
    const onlyHigh = [{ rid: "f", quality: Quality.HIGH, lastPacketAt: now }];
    expect(selectLayer(onlyHigh, Quality.LOW, now)?.rid).toBe("f");
  });

  it("returns nothing when video is off or nothing arrived yet", () => {
    expect(selectLayer(layers, Quality.OFF, now)).toBeUndefined();
    expect(selectLayer([{ rid: "f", quality: 2 }], Quality.HIGH, now)).toBeUndefined();
  });

  it("treats a non-simulcast track (empty rid) as one high layer", () => {
    expect(qualityOfRid("", 0, 1)).toBe(Quality.HIGH);
    expect(
      selectLayer(
        [{ rid: "", quality: qualityOfRid("", 0, 1), lastPacketAt: now }],
        Quality.HIGH,
        now,
      )?.rid,
    ).toBe("");
  });
});

describe("qualityOfRid / qualityForSize", () => {
  it("maps livekit-client rids and unknown rids by SDP order", () => {
    expect([qualityOfRid("q", 0, 3), qualityOfRid("h", 1, 3), qualityOfRid("f", 2, 3)]).toEqual([
      0, 1, 2,
    ]);
    expect([qualityOfRid("a", 0, 2), qualityOfRid("b", 1, 2)]).toEqual([1, 2]);
  });

  it("picks the smallest layer covering the rendered size", () => {
    const sizes = [
      { quality: 0, width: 320, height: 180 },
      { quality: 1, width: 640, height: 360 },
      { quality: 2, width: 1280, height: 720 },
    ];
    expect(qualityForSize(sizes, 300, 170)).toBe(0);
    expect(qualityForSize(sizes, 600, 300)).toBe(1);
    expect(qualityForSize(sizes, 1920, 1080)).toBe(2);
    expect(qualityForSize(sizes, 0, 0)).toBe(2);
  });
});

describe("isVp8KeyFrame", () => {
  it("detects key frames after the payload descriptor", () => {
    // S=1, PID=0, no extensions; VP8 header P bit 0 => key frame
    expect(isVp8KeyFrame(Uint8Array.from([0x10, 0x00, 0x00, 0x00]))).toBe(true);
    expect(isVp8KeyFrame(Uint8Array.from([0x10, 0x01]))).toBe(false);
    // X=1 with I=1 (15-bit picture id) and T/K fields
    expect(isVp8KeyFrame(Uint8Array.from([0x90, 0xe0, 0x81, 0x23, 0x05, 0x40, 0x00]))).toBe(true);
    // not the start of a partition
    expect(isVp8KeyFrame(Uint8Array.from([0x00, 0x00]))).toBe(false);
  });
});

describe("rembMantissaExp", () => {
  it("encodes bitrates exactly enough", () => {
    for (const bitrate of [100_000, 5_000_000, 30_000_000]) {
      const { mantissa, exp } = rembMantissaExp(bitrate);
      expect(mantissa).toBeLessThan(1 << 18);
      const decoded = mantissa * 2 ** exp;
      expect(decoded).toBeLessThanOrEqual(bitrate);
      expect(decoded).toBeGreaterThan(bitrate * 0.99);
    }
  });
});
