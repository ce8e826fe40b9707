/**
 * LiveKit signalling over one WebSocket: join or resume, then SignalRequest
 * dispatch to the participant and its room. Binary protobuf frames both ways.
 */
import {
  ClientConfigSetting,
  ClientConfiguration,
  DisconnectReason,
  JoinResponse,
  Pong,
  ReconnectResponse,
  ServerInfo,
  ServerInfo_Edition,
  SignalRequest,
  SignalResponse,
  TrackPublishedResponse,
  ParticipantInfo_State,
} from "@livekit/protocol";
import type { WebSocket } from "ws";
import type { JoinGrant } from "./auth.ts";
import type { SfuConfig } from "./config.ts";
import { newSid } from "./ids.ts";
import { Quality, qualityForSize } from "./layers.ts";
import { Participant, type SignalSink } from "./participant.ts";
import { PublishedTrack } from "./published-track.ts";
import type { Room } from "./room.ts";
import { trackInfoFromRequest } from "./track-info.ts";

export const SERVER_VERSION = "1.9.0";
const PROTOCOL_VERSION = 16;
const PING_INTERVAL_S = 5;
const PING_TIMEOUT_S = 15;

export function serverInfo(): ServerInfo {
  return new ServerInfo({
    edition: ServerInfo_Edition.Standard,
    version: SERVER_VERSION,
    protocol: PROTOCOL_VERSION,
    nodeId: "tchap-sfu",
  });
}

export interface ConnectRequest {
  grant: JoinGrant;
  room: Room;
  autoSubscribe: boolean;
  /** `reconnect=1&sid=PA_…`: resume an existing session instead of joining anew. */
  resumeSid?: string;
}

class WsSink implements SignalSink {
  constructor(private readonly ws: WebSocket) {}
  send(response: SignalResponse): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(response.toBinary());
  }
  close(): void {
    this.ws.close(1000);
  }
}

export class Signalling {
  constructor(private readonly config: SfuConfig) {}

  accept(ws: WebSocket, req: ConnectRequest): void {
    const { room, grant } = req;
    const sink = new WsSink(ws);
    const resumed = req.resumeSid ? room.participants.get(req.resumeSid) : undefined;
    let p: Participant;
    if (resumed && resumed.identity === grant.identity && !resumed.closed) {
      p = resumed;
      p.attachSink(sink);
      sink.send(
        new SignalResponse({
          message: {
            case: "reconnect",
            value: new ReconnectResponse({
              serverInfo: serverInfo(),
              clientConfiguration: clientConfiguration(),
            }),
          },
        }),
      );
      p.resumeSubscriber();
    } else {
      const duplicate = room.byIdentity(grant.identity);
      if (duplicate) void room.remove(duplicate, DisconnectReason.DUPLICATE_IDENTITY);
      p = new Participant(grant, room, this.config, req.autoSubscribe);
      p.attachSink(sink);
      sink.send(
        new SignalResponse({ message: { case: "join", value: this.joinResponse(room, p) } }),
      );
      p.state = ParticipantInfo_State.JOINED;
      room.add(p);
      p.scheduleSubscriberOffer();
    }
    // A client pings every 5 s; a silent socket is dead (LiveKit's ping_timeout).
    let lastSeen = Date.now();
    const idle = setInterval(() => {
      if (Date.now() - lastSeen > PING_TIMEOUT_S * 1000) ws.terminate();
    }, 5000);
    idle.unref();
    ws.on("message", (data, isBinary) => {
      lastSeen = Date.now();
      if (!isBinary) return;
      let request: SignalRequest;
      try {
        request = SignalRequest.fromBinary(new Uint8Array(data as Buffer));
      } catch {
        return;
      }
      this.handle(p, room, request).catch((e: unknown) =>
        this.config.log?.(`signal ${request.message.case} failed: ${String(e)}`),
      );
    });
    ws.on("close", () => {
      clearInterval(idle);
      if (!p.detachSink(sink) || p.closed) return;
      // Keep the session for a resume; drop it if nobody comes back in time.
      setTimeout(() => {
        if (!p.connected && !p.closed) void room.remove(p, DisconnectReason.CLIENT_INITIATED);
      }, room.options.departureTimeout * 1000).unref();
    });
  }

  private joinResponse(room: Room, p: Participant): JoinResponse {
    return new JoinResponse({
      room: room.info(),
      participant: p.info(),
      otherParticipants: room.visibleInfos(),
      serverVersion: SERVER_VERSION,
      serverInfo: serverInfo(),
      subscriberPrimary: false,
      pingInterval: PING_INTERVAL_S,
      pingTimeout: PING_TIMEOUT_S,
      clientConfiguration: clientConfiguration(),
    });
  }

  private async handle(p: Participant, room: Room, req: SignalRequest): Promise<void> {
    const m = req.message;
    switch (m.case) {
      case "offer":
        return p.onPublisherOffer(m.value);
      case "answer":
        return p.onSubscriberAnswer(m.value);
      case "trickle":
        return p.addRemoteCandidate(m.value);
      case "addTrack": {
        if (!p.grant.canPublish) return;
        const track = new PublishedTrack(
          trackInfoFromRequest(m.value, newSid("TR_")),
          p.sid,
          m.value.cid,
        );
        p.addTrack(track);
        p.send({
          case: "trackPublished",
          value: new TrackPublishedResponse({ cid: m.value.cid, track: track.info }),
        });
        if (p.state !== ParticipantInfo_State.ACTIVE) p.state = ParticipantInfo_State.ACTIVE;
        p.changed();
        return;
      }
      case "mute": {
        const track = p.tracks.get(m.value.sid);
        if (!track || track.info.muted === m.value.muted) return;
        track.info.muted = m.value.muted;
        p.changed();
        return;
      }
      case "subscription":
        for (const sid of [
          ...m.value.trackSids,
          ...m.value.participantTracks.flatMap((pt) => pt.trackSids),
        ]) {
          if (!m.value.subscribe) p.unsubscribe(sid);
          else {
            const track = room
              .others(p)
              .map((o) => o.tracks.get(sid))
              .find((t) => t?.mid);
            if (track) p.subscribe(track);
          }
        }
        return;
      case "trackSetting":
        for (const sid of m.value.trackSids) {
          const down = p.downTracks.get(sid);
          if (!down) continue;
          down.paused = m.value.disabled;
          const layers = down.track.info.layers;
          down.setMaxQuality(
            m.value.width > 0 || m.value.height > 0
              ? qualityForSize(layers, m.value.width, m.value.height)
              : (m.value.quality ?? Quality.HIGH),
          );
        }
        return;
      case "leave":
        return room.remove(p, DisconnectReason.CLIENT_INITIATED);
      case "ping":
        p.send({ case: "pong", value: BigInt(Date.now()) });
        return;
      case "pingReq":
        p.send({
          case: "pongResp",
          value: new Pong({ lastPingTimestamp: m.value.timestamp, timestamp: BigInt(Date.now()) }),
        });
        return;
      default:
        return; // updateLayers, syncState, subscriptionPermission, simulate, metadata: not supported
    }
  }
}

function clientConfiguration(): ClientConfiguration {
  return new ClientConfiguration({ resumeConnection: ClientConfigSetting.ENABLED });
}
