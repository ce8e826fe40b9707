/** A room: its participants, track fan-out, participant updates and data relay. */
import {
  type DataPacket,
  DisconnectReason,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantUpdate,
  Room as RoomInfo,
  type ParticipantInfo,
} from "@livekit/protocol";
import { newSid } from "./ids.ts";
import type { Participant, RoomContext } from "./participant.ts";
import type { PublishedTrack } from "./published-track.ts";

export interface RoomOptions {
  emptyTimeout: number;
  departureTimeout: number;
  maxParticipants: number;
  metadata: string;
}

export class Room implements RoomContext {
  readonly sid = newSid("RM_");
  readonly createdAt = Date.now();
  readonly participants = new Map<string, Participant>();
  private emptySince = Date.now();

  constructor(
    readonly name: string,
    readonly options: RoomOptions,
    private readonly onPeerFailed: (p: Participant) => void = () => undefined,
    private readonly log?: (line: string) => void,
  ) {}

  info(): RoomInfo {
    const participants = [...this.participants.values()];
    return new RoomInfo({
      sid: this.sid,
      name: this.name,
      emptyTimeout: this.options.emptyTimeout,
      departureTimeout: this.options.departureTimeout,
      maxParticipants: this.options.maxParticipants,
      metadata: this.options.metadata,
      creationTime: BigInt(Math.floor(this.createdAt / 1000)),
      creationTimeMs: BigInt(this.createdAt),
      numParticipants: participants.length,
      numPublishers: participants.filter((p) => p.tracks.size > 0).length,
    });
  }

  get full(): boolean {
    return (
      this.options.maxParticipants > 0 && this.participants.size >= this.options.maxParticipants
    );
  }

  /** Seconds-based empty timeout elapsed with nobody in the room. */
  expired(now: number): boolean {
    return this.participants.size === 0 && now - this.emptySince > this.options.emptyTimeout * 1000;
  }

  byIdentity(identity: string): Participant | undefined {
    return [...this.participants.values()].find((p) => p.identity === identity);
  }

  others(p: Participant): Participant[] {
    return [...this.participants.values()].filter((o) => o !== p);
  }

  visibleInfos(except?: Participant): ParticipantInfo[] {
    return [...this.participants.values()]
      .filter((p) => p !== except && !p.grant.hidden)
      .map((p) => p.info());
  }

  add(p: Participant): void {
    this.participants.set(p.sid, p);
    this.log?.(`room ${this.name}: ${p.identity} joined as ${p.sid}`);
    for (const other of this.others(p)) {
      for (const track of other.tracks.values())
        if (p.autoSubscribe && track.mid) p.subscribe(track);
    }
    this.participantChanged(p);
  }

  /** Removes a participant, tells it why (unless it asked to leave) and tells the others. */
  async remove(p: Participant, reason: DisconnectReason): Promise<void> {
    if (this.participants.get(p.sid) !== p) return;
    this.participants.delete(p.sid);
    this.log?.(`room ${this.name}: ${p.identity} left (${DisconnectReason[reason]})`);
    if (this.participants.size === 0) this.emptySince = Date.now();
    if (reason !== DisconnectReason.CLIENT_INITIATED) {
      p.send({
        case: "leave",
        value: new LeaveRequest({
          canReconnect: false,
          reason,
          action: LeaveRequest_Action.DISCONNECT,
        }),
      });
    }
    const trackSids = [...p.tracks.keys()];
    await p.close();
    for (const other of this.participants.values())
      for (const sid of trackSids) other.unsubscribe(sid);
    p.version++;
    this.broadcast(p.info(), p);
  }

  // RoomContext

  trackPublished(from: Participant, track: PublishedTrack): void {
    this.log?.(`room ${this.name}: ${from.identity} published ${track.sid} (${track.kind})`);
    for (const other of this.others(from)) if (other.autoSubscribe) other.subscribe(track);
  }

  unpublish(from: Participant, trackSid: string): void {
    if (!from.unpublish(trackSid)) return;
    this.log?.(`room ${this.name}: ${from.identity} unpublished ${trackSid}`);
    for (const other of this.others(from)) other.unsubscribe(trackSid);
    from.changed();
  }

  participantChanged(p: Participant): void {
    this.broadcast(p.info(), p);
  }

  relayData(from: Participant, packet: DataPacket, reliable: boolean): void {
    const targets = new Set(packet.destinationIdentities);
    if (packet.value.case === "user")
      for (const id of packet.value.value.destinationIdentities) targets.add(id);
    const bytes = packet.toBinary();
    for (const other of this.others(from)) {
      if (targets.size > 0 && !targets.has(other.identity)) continue;
      other.sendData(bytes, reliable);
    }
  }

  peerFailed(p: Participant): void {
    this.onPeerFailed(p);
  }

  private broadcast(info: ParticipantInfo, except: Participant): void {
    if (except.grant.hidden) return;
    const update = new ParticipantUpdate({ participants: [info] });
    for (const other of this.others(except)) other.send({ case: "update", value: update });
  }
}
