/**
 * The ring of an incoming call as a WAV file made here (no sound asset to ship or license):
 * the French ring cadence, a 440 Hz tone for 1.5 s then 3.5 s of silence, meant to be looped.
 * 8-bit mono PCM keeps one 5 s cycle at 8 kHz to 40 kB. Pure.
 */

export interface RingToneOptions {
  sampleRate?: number;
  frequencyHz?: number;
  onMs?: number;
  offMs?: number;
  /** Peak amplitude, 0–1 (a ring should not be startling). */
  volume?: number;
}

export const RING_CADENCE = { frequencyHz: 440, onMs: 1500, offMs: 3500 } as const;

/** Ramp at each edge of the tone so it starts and stops without a click. */
const FADE_MS = 15;

export function ringToneWav(o: RingToneOptions = {}): Uint8Array {
  const rate = o.sampleRate ?? 8000;
  const freq = o.frequencyHz ?? RING_CADENCE.frequencyHz;
  const onSamples = Math.round(((o.onMs ?? RING_CADENCE.onMs) * rate) / 1000);
  const total = onSamples + Math.round(((o.offMs ?? RING_CADENCE.offMs) * rate) / 1000);
  const volume = Math.min(1, Math.max(0, o.volume ?? 0.5));
  const fade = Math.max(1, Math.round((FADE_MS * rate) / 1000));
  const header = 44;
  const bytes = new Uint8Array(header + total);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + total, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate, true); // byte rate: 1 byte per sample
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  ascii(36, "data");
  view.setUint32(40, total, true);
  for (let i = 0; i < total; i++) {
    let sample = 0;
    if (i < onSamples) {
      const envelope = Math.min(1, i / fade, (onSamples - 1 - i) / fade);
      sample = volume * envelope * Math.sin((2 * Math.PI * freq * i) / rate);
    }
    // 8-bit WAV samples are unsigned, silence at 128.
    bytes[header + i] = Math.max(0, Math.min(255, Math.round(128 + 127 * sample)));
  }
  return bytes;
}
