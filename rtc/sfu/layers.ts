/** Simulcast layer bookkeeping and selection (pure). */

/** Mirrors livekit `VideoQuality`: LOW=0, MEDIUM=1, HIGH=2, OFF=3. */
export const Quality = { LOW: 0, MEDIUM: 1, HIGH: 2, OFF: 3 } as const;
export type QualityValue = (typeof Quality)[keyof typeof Quality];

export interface LayerView {
  rid: string;
  quality: number;
  /** Time (ms) the last RTP packet of this layer arrived, or undefined if none yet. */
  lastPacketAt?: number;
}

/** livekit-client names layers q (quarter), h (half), f (full). */
export function qualityOfRid(rid: string, index: number, count: number): number {
  if (rid === "q") return Quality.LOW;
  if (rid === "h") return Quality.MEDIUM;
  if (rid === "f" || rid === "") return Quality.HIGH;
  // Unknown names: SDP order is low -> high in livekit-client offers.
  return Math.min(Quality.HIGH, Math.max(0, Quality.HIGH - (count - 1 - index)));
}

/** A layer counts as active when a packet arrived within `staleMs`. */
export function isActive(layer: LayerView, now: number, staleMs: number): boolean {
  return layer.lastPacketAt !== undefined && now - layer.lastPacketAt <= staleMs;
}

/**
 * Picks the layer to forward: the highest active layer whose quality does not
 * exceed `maxQuality`; if none is at or below it, the lowest active layer.
 * Returns undefined when nothing is active or the subscriber turned video off.
 */
export function selectLayer(
  layers: readonly LayerView[],
  maxQuality: number,
  now: number,
  staleMs = 2000,
): LayerView | undefined {
  if (maxQuality >= Quality.OFF) return undefined;
  const active = layers
    .filter((l) => isActive(l, now, staleMs))
    .sort((a, b) => a.quality - b.quality);
  if (active.length === 0) return undefined;
  const fitting = active.filter((l) => l.quality <= maxQuality);
  return fitting.length > 0 ? fitting[fitting.length - 1] : active[0];
}

export interface LayerSize {
  quality: number;
  width: number;
  height: number;
}

/**
 * Quality wanted for a rendered size (adaptive stream): the smallest published
 * layer at least as large as the element, else the largest.
 */
export function qualityForSize(
  layers: readonly LayerSize[],
  width: number,
  height: number,
): number {
  if (width <= 0 && height <= 0) return Quality.HIGH;
  const sorted = [...layers].sort((a, b) => a.quality - b.quality);
  const fit = sorted.find((l) => l.width >= width && l.height >= height);
  return (fit ?? sorted[sorted.length - 1])?.quality ?? Quality.HIGH;
}

/** VP8 key-frame test on an RTP payload (RFC 7741), so switches start on a key frame. */
export function isVp8KeyFrame(payload: Uint8Array): boolean {
  if (payload.length < 1) return false;
  const b0 = payload[0]!;
  const start = (b0 & 0x10) !== 0;
  const partitionId = b0 & 0x07;
  if (!start || partitionId !== 0) return false;
  let offset = 1;
  if (b0 & 0x80) {
    const b1 = payload[offset++];
    if (b1 === undefined) return false;
    if (b1 & 0x80) {
      const pid = payload[offset++];
      if (pid === undefined) return false;
      if (pid & 0x80) offset++;
    }
    if (b1 & 0x40) offset++;
    if (b1 & 0x30) offset++;
  }
  const header = payload[offset];
  return header !== undefined && (header & 0x01) === 0;
}
