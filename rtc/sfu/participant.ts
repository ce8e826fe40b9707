/**
 * One participant's media session: a publisher peer connection (the client
 * offers), a subscriber peer connection (the SFU offers), its published tracks,
 * its down tracks and its data channels. Signalling I/O goes through `SignalSink`.
 */
import {
  type DataPacket,
  ParticipantInfo,
  ParticipantInfo_State,
  ParticipantPermission,
  SessionDescription,
  SignalResponse,
  SignalTarget,
  TrickleRequest,
} from "@livekit/protocol";
import type { RTCPeerConnection, RTCRtpTransceiver } from "werift";
import type { JoinGrant } from "./auth.ts";
import type { SfuConfig } from "./config.ts";
import { stampDataPacket, SubscriberChannels } from "./data-channels.ts";
import { DownTrack } from "./forwarding.ts";
import { newSid } from "./ids.ts";
import { PublishedTrack } from "./published-track.ts";
import { sendRemb } from "./remb.ts";
import { parseMediaSections, sectionSends } from "./sdp.ts";
import { announcedSdp, candidateIsAnnounced, createPeerConnection } from "./transport.ts";

export interface SignalSink {
  send(response: SignalResponse): void;
  close(): void;
}

/** What a participant needs from its room. */
export interface RoomContext {
  trackPublished(from: Participant, track: PublishedTrack): void;
  unpublish(from: Participant, trackSid: string): void;
  participantChanged(p: Participant): void;
  relayData(from: Participant, packet: DataPacket, reliable: boolean): void;
  peerFailed(p: Participant): void;
}

const REMB_INTERVAL_MS = 1000;

export class Participant {
  readonly sid = newSid("PA_");
  readonly joinedAt = Date.now();
  state = ParticipantInfo_State.JOINING;
  version = 1;
  readonly tracks = new Map<string, PublishedTrack>();
  readonly downTracks = new Map<string, DownTrack>();
  readonly publisher: RTCPeerConnection;
  readonly subscriber: RTCPeerConnection;
  private readonly tracksByMid = new Map<string, PublishedTrack>();
  private readonly unboundRemote = new Map<string, RTCRtpTransceiver>();
  private readonly channels: SubscriberChannels;
  private sink?: SignalSink;
  private subscriberBusy = false;
  private subscriberDirty = false;
  private negotiateTimer?: NodeJS.Timeout;
  private offerId = 0;
  private readonly rembTimer: NodeJS.Timeout;
  closed = false;

  constructor(
    readonly grant: JoinGrant,
    private readonly room: RoomContext,
    private readonly config: SfuConfig,
    readonly autoSubscribe: boolean,
  ) {
    this.publisher = createPeerConnection(config, "publisher");
    this.subscriber = createPeerConnection(config, "subscriber");
    this.wirePeer(this.publisher, SignalTarget.PUBLISHER);
    this.wirePeer(this.subscriber, SignalTarget.SUBSCRIBER);
    this.publisher.onRemoteTransceiverAdded.subscribe((t) => this.onRemoteTransceiver(t));
    this.publisher.onDataChannel.subscribe((dc) => {
      dc.onMessage.subscribe((data) => {
        if (!this.grant.canPublishData) return;
        const inbound = stampDataPacket(dc.label, data, this.identity, this.sid);
        if (inbound) this.room.relayData(this, inbound.packet, inbound.reliable);
      });
    });
    this.channels = new SubscriberChannels(this.subscriber);
    this.rembTimer = setInterval(() => this.sendRemb(), REMB_INTERVAL_MS);
  }

  get identity(): string {
    return this.grant.identity;
  }

  attachSink(sink: SignalSink): void {
    const previous = this.sink;
    this.sink = sink;
    if (previous && previous !== sink) previous.close();
  }

  detachSink(sink: SignalSink): boolean {
    if (this.sink !== sink) return false;
    this.sink = undefined;
    return true;
  }

  get connected(): boolean {
    return this.sink !== undefined;
  }

  send(response: SignalResponse["message"]): void {
    this.sink?.send(new SignalResponse({ message: response }));
  }

  info(): ParticipantInfo {
    return new ParticipantInfo({
      sid: this.sid,
      identity: this.identity,
      name: this.grant.name,
      metadata: this.grant.metadata,
      attributes: this.grant.attributes,
      state: this.state,
      tracks: [...this.tracks.values()].map((t) => t.info),
      joinedAt: BigInt(Math.floor(this.joinedAt / 1000)),
      joinedAtMs: BigInt(this.joinedAt),
      version: this.version,
      permission: new ParticipantPermission({
        canPublish: this.grant.canPublish,
        canSubscribe: this.grant.canSubscribe,
        canPublishData: this.grant.canPublishData,
        hidden: this.grant.hidden,
      }),
      isPublisher: this.tracks.size > 0,
    });
  }

  /** Marks a change visible to others (bumps the version) and lets the room broadcast it. */
  changed(): void {
    this.version++;
    this.room.participantChanged(this);
  }

  // ---- publisher side ----

  addTrack(track: PublishedTrack): void {
    this.tracks.set(track.sid, track);
  }

  async onPublisherOffer(offer: SessionDescription): Promise<void> {
    await handshakeSettled(this.publisher);
    const sections = parseMediaSections(offer.sdp);
    for (const [mid, track] of this.tracksByMid) {
      const section = sections.find((s) => s.mid === mid);
      if (!section || !sectionSends(section) || section.trackId !== track.cid)
        this.room.unpublish(this, track.sid);
    }
    for (const section of sections) {
      if (!sectionSends(section)) continue;
      const track = [...this.tracks.values()].find(
        (t) => t.cid === section.trackId && section.trackId,
      );
      if (!track || this.tracksByMid.has(section.mid)) continue;
      track.mid = section.mid;
      track.sdpRids = section.rids;
      track.info.mid = section.mid;
      this.tracksByMid.set(section.mid, track);
    }
    await this.publisher.setRemoteDescription({ type: "offer", sdp: offer.sdp });
    for (const [mid, transceiver] of this.unboundRemote) {
      if (this.bindTransceiver(transceiver)) this.unboundRemote.delete(mid);
    }
    const answer = await this.publisher.createAnswer();
    await this.publisher.setLocalDescription(answer);
    const sdp = announcedSdp(this.config, this.publisher.localDescription?.sdp ?? answer.sdp);
    this.send({
      case: "answer",
      value: new SessionDescription({ type: "answer", sdp, id: offer.id }),
    });
  }

  private onRemoteTransceiver(transceiver: RTCRtpTransceiver): void {
    if (!this.bindTransceiver(transceiver) && transceiver.mid)
      this.unboundRemote.set(transceiver.mid, transceiver);
  }

  private bindTransceiver(transceiver: RTCRtpTransceiver): boolean {
    const track = transceiver.mid ? this.tracksByMid.get(transceiver.mid) : undefined;
    if (!track) return false;
    transceiver.onTrack.subscribe((remote) => {
      if (remote.codec?.mimeType) track.info.mimeType = remote.codec.mimeType.toLowerCase();
      track.attach(remote, transceiver.receiver);
    });
    for (const remote of transceiver.receiver.tracks) track.attach(remote, transceiver.receiver);
    this.room.trackPublished(this, track);
    return true;
  }

  unpublish(trackSid: string): PublishedTrack | undefined {
    const track = this.tracks.get(trackSid);
    if (!track) return undefined;
    this.tracks.delete(trackSid);
    if (track.mid) this.tracksByMid.delete(track.mid);
    track.close();
    return track;
  }

  private sendRemb(): void {
    const ssrcs = [...this.tracks.values()].flatMap((t) => t.videoSsrcs());
    const transport = this.publisher.dtlsTransports[0];
    if (ssrcs.length > 0 && transport && this.config.rembBitrate > 0)
      sendRemb(transport, ssrcs, this.config.rembBitrate);
  }

  // ---- subscriber side ----

  subscribe(track: PublishedTrack): void {
    if (this.closed || !this.grant.canSubscribe || this.downTracks.has(track.sid)) return;
    this.downTracks.set(track.sid, new DownTrack(track, this.subscriber));
    this.config.log?.(`${this.identity} subscribed to ${track.sid}`);
    this.scheduleSubscriberOffer();
  }

  unsubscribe(trackSid: string): void {
    const down = this.downTracks.get(trackSid);
    if (!down) return;
    this.downTracks.delete(trackSid);
    this.config.log?.(`${this.identity} unsubscribed from ${trackSid}`);
    down.close();
    this.subscriber.removeTrack(down.transceiver.sender);
    this.scheduleSubscriberOffer();
  }

  scheduleSubscriberOffer(): void {
    if (this.negotiateTimer || this.closed) return;
    this.negotiateTimer = setTimeout(() => {
      this.negotiateTimer = undefined;
      void this.offerSubscriber().catch((e: unknown) =>
        this.config.log?.(`subscriber offer failed: ${String(e)}`),
      );
    }, 20);
  }

  private async offerSubscriber(): Promise<void> {
    if (this.subscriberBusy || !this.sink) {
      this.subscriberDirty = true;
      return;
    }
    this.subscriberBusy = true;
    this.subscriberDirty = false;
    await handshakeSettled(this.subscriber);
    const offer = await this.subscriber.createOffer();
    await this.subscriber.setLocalDescription(offer);
    const sdp = announcedSdp(this.config, this.subscriber.localDescription?.sdp ?? offer.sdp);
    const midToTrackId: Record<string, string> = {};
    for (const down of this.downTracks.values())
      if (down.mid) midToTrackId[down.mid] = down.track.sid;
    this.send({
      case: "offer",
      value: new SessionDescription({ type: "offer", sdp, id: ++this.offerId, midToTrackId }),
    });
  }

  async onSubscriberAnswer(answer: SessionDescription): Promise<void> {
    if (this.subscriber.signalingState !== "have-local-offer") return;
    await this.subscriber.setRemoteDescription({ type: "answer", sdp: answer.sdp });
    this.subscriberBusy = false;
    if (this.subscriberDirty) this.scheduleSubscriberOffer();
  }

  /** After a signalling resume: re-offer if an offer was lost with the old socket. */
  resumeSubscriber(): void {
    if (this.subscriber.signalingState === "have-local-offer") {
      this.subscriberBusy = false;
      this.subscriberDirty = true;
    }
    if (this.subscriberDirty) this.scheduleSubscriberOffer();
  }

  // ---- ICE ----

  async addRemoteCandidate(trickle: TrickleRequest): Promise<void> {
    const pc = trickle.target === SignalTarget.SUBSCRIBER ? this.subscriber : this.publisher;
    const init = JSON.parse(trickle.candidateInit) as {
      candidate?: string;
      sdpMid?: string;
      sdpMLineIndex?: number;
    };
    if (!init.candidate) return;
    await pc.addIceCandidate(init).catch(() => undefined);
  }

  private wirePeer(pc: RTCPeerConnection, target: SignalTarget): void {
    pc.onIceCandidate.subscribe((candidate) => {
      if (!candidate?.candidate || !candidateIsAnnounced(this.config, candidate.candidate)) return;
      const candidateInit = JSON.stringify(candidate.toJSON());
      this.send({ case: "trickle", value: new TrickleRequest({ candidateInit, target }) });
    });
    pc.connectionStateChange.subscribe((state) => {
      if (state === "failed") this.room.peerFailed(this);
    });
  }

  sendData(bytes: Uint8Array, reliable: boolean): void {
    this.channels.send(bytes, reliable);
  }

  // ---- end ----

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.state = ParticipantInfo_State.DISCONNECTED;
    clearInterval(this.rembTimer);
    clearTimeout(this.negotiateTimer);
    for (const down of this.downTracks.values()) down.close();
    for (const track of this.tracks.values()) track.close();
    this.sink?.close();
    this.sink = undefined;
    await Promise.allSettled([this.publisher.close(), this.subscriber.close()]);
  }
}

/**
 * werift restarts ICE and DTLS when a renegotiation completes while the DTLS handshake is
 * still running, and the peer connection then fails ("state must be new"). Negotiate again
 * only once the handshake is over.
 */
function handshakeSettled(pc: RTCPeerConnection): Promise<void> {
  if (pc.connectionState !== "connecting") return Promise.resolve();
  return new Promise((resolve) => {
    const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
      if (state === "connecting") return;
      unSubscribe();
      resolve();
    });
  });
}
