/**
 * Browser side of the SFU e2e tests: real livekit-client, bundled by esbuild
 * and driven from Node through `window.sfuTest`.
 */
import {
  ExternalE2EEKeyProvider,
  type RemoteTrack,
  Room,
  RoomEvent,
  Track,
  VideoPresets,
} from "livekit-client";

interface JoinOptions {
  e2eeKey?: string;
  publish?: boolean;
  /** Camera capture size; default 640x360 at 15 fps. */
  video?: { width: number; height: number; frameRate: number };
}

interface RemoteStats {
  identity: string;
  videoFramesDecoded: number;
  videoWidth: number;
  audioBytes: number;
  audioSamples: number;
  videoSsrcs: number;
}

let room: Room | undefined;
const received: string[] = [];
const events: string[] = [];

async function join(
  url: string,
  token: string,
  opts: JoinOptions = {},
): Promise<{ sid: string; connectMs: number }> {
  const started = performance.now();
  let e2ee;
  if (opts.e2eeKey) {
    const keyProvider = new ExternalE2EEKeyProvider();
    await keyProvider.setKey(opts.e2eeKey);
    e2ee = { keyProvider, worker: new Worker("/e2ee-worker.mjs", { type: "module" }) };
  }
  room = new Room({
    adaptiveStream: false,
    dynacast: false,
    // 640x360 at 15 fps keeps three publishers + six decoders within a 2-core machine.
    videoCaptureDefaults: {
      resolution: opts.video ?? { ...VideoPresets.h360.resolution, frameRate: 15 },
    },
    publishDefaults: { simulcast: true, videoCodec: "vp8" },
    e2ee,
  });
  room.on(RoomEvent.DataReceived, (payload, participant) => {
    received.push(`${participant?.identity ?? "?"}:${new TextDecoder().decode(payload)}`);
  });
  room.on(RoomEvent.ParticipantConnected, (p) => events.push(`joined:${p.identity}`));
  room.on(RoomEvent.ParticipantDisconnected, (p) => events.push(`left:${p.identity}`));
  room.on(RoomEvent.Disconnected, (reason) => events.push(`disconnected:${reason}`));
  room.on(RoomEvent.TrackMuted, (pub, p) => events.push(`muted:${p.identity}:${pub.kind}`));
  room.on(RoomEvent.TrackUnmuted, (pub, p) => events.push(`unmuted:${p.identity}:${pub.kind}`));
  if (opts.e2eeKey) await room.setE2EEEnabled(true);
  await room.connect(url, token);
  if (opts.publish !== false) {
    await room.localParticipant.setMicrophoneEnabled(true);
    await room.localParticipant.setCameraEnabled(true);
  }
  return { sid: room.localParticipant.sid, connectMs: performance.now() - started };
}

/** Joins without publishing and times connect -> first remote video frame decoded (ms). */
async function timeToFirstFrame(
  url: string,
  token: string,
): Promise<{ connectMs: number; firstFrameMs: number }> {
  const { connectMs } = await join(url, token, { publish: false });
  const started = performance.now() - connectMs;
  for (;;) {
    for (const p of room?.remoteParticipants.values() ?? []) {
      const video = await trackStats(p.getTrackPublication(Track.Source.Camera)?.track);
      if ((video.framesDecoded ?? 0) > 0)
        return { connectMs, firstFrameMs: performance.now() - started };
    }
    if (performance.now() - started > 20_000) throw new Error("no remote video frame within 20 s");
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function trackStats(track: RemoteTrack | undefined): Promise<Record<string, number>> {
  const report = await track?.getRTCStatsReport();
  const out: Record<string, number> = {};
  report?.forEach((s: Record<string, unknown>) => {
    if (s.type !== "inbound-rtp") return;
    out.ssrcCount = (out.ssrcCount ?? 0) + 1;
    for (const k of ["framesDecoded", "frameWidth", "bytesReceived", "totalSamplesReceived"]) {
      if (typeof s[k] === "number") out[k] = (out[k] ?? 0) + (s[k] as number);
    }
  });
  return out;
}

async function stats(): Promise<RemoteStats[]> {
  if (!room) return [];
  const out: RemoteStats[] = [];
  for (const p of room.remoteParticipants.values()) {
    const video = await trackStats(p.getTrackPublication(Track.Source.Camera)?.track);
    const audio = await trackStats(p.getTrackPublication(Track.Source.Microphone)?.track);
    out.push({
      identity: p.identity,
      videoFramesDecoded: video.framesDecoded ?? 0,
      videoWidth: video.frameWidth ?? 0,
      audioBytes: audio.bytesReceived ?? 0,
      audioSamples: audio.totalSamplesReceived ?? 0,
      videoSsrcs: video.ssrcCount ?? 0,
    });
  }
  return out;
}

async function sendData(text: string): Promise<void> {
  await room?.localParticipant.publishData(new TextEncoder().encode(text), { reliable: true });
}

async function leave(): Promise<void> {
  await room?.disconnect();
}

function remoteIdentities(): string[] {
  return room ? [...room.remoteParticipants.keys()].sort() : [];
}

async function setCameraMuted(muted: boolean): Promise<void> {
  const pub = room?.localParticipant.getTrackPublication(Track.Source.Camera);
  if (muted) await pub?.mute();
  else await pub?.unmute();
}

async function unpublishCamera(): Promise<void> {
  await room?.localParticipant.setCameraEnabled(false);
  const pub = room?.localParticipant.getTrackPublication(Track.Source.Camera);
  if (pub?.track) await room?.localParticipant.unpublishTrack(pub.track);
}

async function simulateSignalReconnect(): Promise<void> {
  await room?.simulateScenario("signal-reconnect");
}

function state(): string {
  return room?.state ?? "none";
}

const api = {
  join,
  stats,
  sendData,
  leave,
  remoteIdentities,
  setCameraMuted,
  unpublishCamera,
  simulateSignalReconnect,
  timeToFirstFrame,
  state,
  received: () => [...received],
  events: () => [...events],
};
(globalThis as unknown as { sfuTest: typeof api }).sfuTest = api;
export type SfuTestApi = typeof api;
