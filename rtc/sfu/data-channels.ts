/**
 * LiveKit data packets: the client sends on `_reliable` / `_lossy` channels of
 * its publisher connection; the SFU stamps the sender's identity and delivers
 * on the same-named channels it opened on each receiver's subscriber connection.
 */
import { DataPacket, DataPacket_Kind } from "@livekit/protocol";
import type { RTCDataChannel, RTCPeerConnection } from "werift";

export interface InboundData {
  packet: DataPacket;
  reliable: boolean;
}

/** Parses an inbound frame and stamps the sender (clients cannot spoof another identity). */
export function stampDataPacket(
  label: string,
  data: string | Buffer,
  identity: string,
  sid: string,
): InboundData | undefined {
  if (typeof data === "string") return undefined;
  let packet: DataPacket;
  try {
    packet = DataPacket.fromBinary(new Uint8Array(data));
  } catch {
    return undefined;
  }
  packet.participantIdentity = identity;
  if (packet.value.case === "user") {
    packet.value.value.participantIdentity = identity;
    packet.value.value.participantSid = sid;
  }
  return { packet, reliable: label !== "_lossy" && packet.kind !== DataPacket_Kind.LOSSY };
}

export class SubscriberChannels {
  private readonly reliable: RTCDataChannel;
  private readonly lossy: RTCDataChannel;

  constructor(subscriber: RTCPeerConnection) {
    this.reliable = subscriber.createDataChannel("_reliable", { ordered: true });
    this.lossy = subscriber.createDataChannel("_lossy", { ordered: false, maxRetransmits: 0 });
  }

  send(bytes: Uint8Array, reliable: boolean): void {
    const channel = reliable ? this.reliable : this.lossy;
    if (channel.readyState === "open") channel.send(Buffer.from(bytes));
  }
}
