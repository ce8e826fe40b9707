/**
 * One track a participant publishes: its LiveKit TrackInfo and the incoming RTP
 * layers (one per simulcast RID) that down tracks forward from.
 */
import type { TrackInfo } from "@livekit/protocol";
import type { MediaStreamTrack, RTCRtpReceiver, RtpPacket } from "werift";
import { type LayerView, qualityOfRid } from "./layers.ts";

export interface IncomingLayer extends LayerView {
  ssrc?: number;
  receiver: RTCRtpReceiver;
}

export type PacketListener = (rid: string, packet: RtpPacket) => void;

const KEYFRAME_REQUEST_INTERVAL_MS = 300;

export class PublishedTrack {
  readonly layers = new Map<string, IncomingLayer>();
  private readonly listeners = new Set<PacketListener>();
  private readonly lastKeyFrameRequest = new Map<string, number>();
  /** RIDs announced in the publisher's SDP for this track's m-line. */
  sdpRids: string[] = [];
  mid?: string;

  constructor(
    readonly info: TrackInfo,
    readonly publisherSid: string,
    readonly cid: string,
  ) {}

  get sid(): string {
    return this.info.sid;
  }

  get kind(): "audio" | "video" {
    return this.info.type === 1 ? "video" : "audio";
  }

  /** Binds an incoming werift track (one RID of this m-line) and fans its packets out. */
  attach(track: MediaStreamTrack, receiver: RTCRtpReceiver): void {
    const rid = track.rid ?? "";
    const index = Math.max(0, this.sdpRids.indexOf(rid));
    const layer: IncomingLayer = {
      rid,
      quality: qualityOfRid(rid, index, Math.max(1, this.sdpRids.length)),
      receiver,
    };
    this.layers.set(rid, layer);
    track.onReceiveRtp.subscribe((packet) => {
      layer.lastPacketAt = Date.now();
      layer.ssrc = packet.header.ssrc;
      // Publisher header-extension ids mean nothing on subscriber connections.
      packet.header.extensions = [];
      packet.header.extension = false;
      for (const listener of this.listeners) listener(rid, packet);
    });
  }

  onPacket(listener: PacketListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a PLI for one layer toward the publisher (rate-limited). */
  requestKeyFrame(rid: string): void {
    const layer = this.layers.get(rid);
    if (!layer?.ssrc || this.kind !== "video") return;
    const now = Date.now();
    if (now - (this.lastKeyFrameRequest.get(rid) ?? 0) < KEYFRAME_REQUEST_INTERVAL_MS) return;
    this.lastKeyFrameRequest.set(rid, now);
    layer.receiver.sendRtcpPLI(layer.ssrc).catch(() => undefined);
  }

  videoSsrcs(): number[] {
    if (this.kind !== "video") return [];
    return [...this.layers.values()].flatMap((l) => (l.ssrc ? [l.ssrc] : []));
  }

  close(): void {
    this.listeners.clear();
  }
}
