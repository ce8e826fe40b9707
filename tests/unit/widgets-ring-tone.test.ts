import { describe, expect, it } from "vitest";
import { ringToneWav } from "../../widgets/src/calls/ring-tone.ts";

const text = (b: Uint8Array, from: number, len: number) =>
  String.fromCharCode(...b.subarray(from, from + len));

describe("ring tone", () => {
  const wav = ringToneWav();
  const view = new DataView(wav.buffer);
  const samples = wav.subarray(44);

  it("is a playable 8 kHz 8-bit mono PCM WAV of one 5 s ring cycle", () => {
    expect(text(wav, 0, 4)).toBe("RIFF");
    expect(text(wav, 8, 8)).toBe("WAVEfmt ");
    expect(view.getUint16(20, true)).toBe(1);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint32(24, true)).toBe(8000);
    expect(view.getUint16(34, true)).toBe(8);
    expect(text(wav, 36, 4)).toBe("data");
    expect(view.getUint32(40, true)).toBe(5 * 8000);
    expect(view.getUint32(4, true)).toBe(wav.length - 8);
  });

  it("sounds 440 Hz for 1.5 s, then is silent for 3.5 s", () => {
    const on = samples.subarray(0, 12_000);
    let crossings = 0;
    for (let i = 1; i < on.length; i++) if (on[i - 1]! < 128 !== on[i]! < 128) crossings++;
    // Two zero crossings per period: 440 Hz over 1.5 s.
    expect(crossings / 2 / 1.5).toBeGreaterThan(430);
    expect(crossings / 2 / 1.5).toBeLessThan(450);
    expect(Math.max(...on) - 128).toBeGreaterThan(50);
    expect(samples.subarray(12_000).every((s) => s === 128)).toBe(true);
  });

  it("starts and ends the tone without a click (faded edges)", () => {
    expect(Math.abs(samples[0]! - 128)).toBeLessThanOrEqual(1);
    expect(Math.abs(samples[11_999]! - 128)).toBeLessThanOrEqual(1);
  });
});
