/**
 * A down track forwards one published track to one subscriber: picks one
 * simulcast layer (default: highest active), switches only on key frames, and
 * relays the subscriber's PLIs to the publisher. The werift sender rewrites
 * SSRC, payload type, sequence numbers and timestamps, and answers NACKs from
 * its own history.
 */
import {
  MediaStream,
  MediaStreamTrack,
  type RTCPeerConnection,
  type RTCRtpTransceiver,
  type RtpPacket,
} from "werift";
import { isVp8KeyFrame, Quality, selectLayer } from "./layers.ts";
import type { PublishedTrack } from "./published-track.ts";

const RESELECT_INTERVAL_MS = 500;

export class DownTrack {
  readonly transceiver: RTCRtpTransceiver;
  private readonly local: MediaStreamTrack;
  private currentRid?: string;
  private targetRid?: string;
  private lastSelectAt = 0;
  private stopListening: () => void;
  maxQuality: number = Quality.HIGH;
  /** Subscriber paused the track (adaptive stream hidden element) or publisher muted it. */
  paused = false;
  closed = false;

  constructor(
    readonly track: PublishedTrack,
    pc: RTCPeerConnection,
  ) {
    this.local = new MediaStreamTrack({ kind: track.kind });
    this.transceiver = pc.addTransceiver(this.local, {
      direction: "sendonly",
      streams: [new MediaStream({ id: `${track.publisherSid}|${track.sid}` })],
    });
    // livekit-client reads the track sid from the msid track id. werift types it
    // readonly but the property is writable; it is read when the offer is built.
    (this.transceiver.sender as { trackId: string }).trackId = track.sid;
    this.transceiver.sender.onPictureLossIndication.subscribe(() => {
      if (this.currentRid !== undefined) this.track.requestKeyFrame(this.currentRid);
    });
    this.stopListening = track.onPacket((rid, packet) => this.onPacket(rid, packet));
  }

  get mid(): string | undefined {
    return this.transceiver.mid ?? undefined;
  }

  setMaxQuality(quality: number): void {
    this.maxQuality = quality;
    this.lastSelectAt = 0;
  }

  private onPacket(rid: string, packet: RtpPacket): void {
    if (this.closed || this.paused) return;
    if (this.track.kind === "audio") {
      this.local.writeRtp(packet);
      return;
    }
    const now = Date.now();
    if (now - this.lastSelectAt >= RESELECT_INTERVAL_MS) {
      this.lastSelectAt = now;
      const wanted = selectLayer([...this.track.layers.values()], this.maxQuality, now)?.rid;
      if (wanted !== undefined && wanted !== this.currentRid) {
        // (Re-)ask for a key frame until the wanted layer sends one: a single PLI can be lost or ignored.
        this.targetRid = wanted;
        this.track.requestKeyFrame(wanted);
      } else if (wanted === this.currentRid) this.targetRid = undefined;
    }
    const candidate = rid === this.targetRid || this.currentRid === undefined;
    if (candidate && isKeyFrame(this.track.info.mimeType, packet.payload)) {
      // Start on whichever layer delivers a key frame first, then move to the wanted one.
      if (this.currentRid !== undefined && this.currentRid !== rid)
        this.local.notifySourceChanged(packet.header);
      this.currentRid = rid;
      if (rid === this.targetRid) this.targetRid = undefined;
    }
    if (rid === this.currentRid) this.local.writeRtp(packet);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopListening();
    this.local.stop();
  }
}

/** Key-frame gating is only implemented for VP8; other codecs switch at once. */
function isKeyFrame(mimeType: string, payload: Uint8Array): boolean {
  if (mimeType && mimeType.toLowerCase() !== "video/vp8") return true;
  return isVp8KeyFrame(payload);
}
