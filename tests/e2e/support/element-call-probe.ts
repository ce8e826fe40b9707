/**
 * Looking inside our embedded Element Call from a test: its frame, the WebRTC peer connections
 * it opened (recorded by an init script, since Element Call keeps them private) and what they
 * decoded, and its visible video elements.
 */
import type { BrowserContext, Frame, Page } from "playwright-core";

/** Records every RTCPeerConnection a frame creates in `window.__rtcProbe`. */
/**
 * Records every RTCPeerConnection a frame creates in `window.__rtcProbe`. A string, not a
 * function: test runners transform functions (helpers like `__name`) that the page lacks.
 */
const RTC_PROBE = `(() => {
  if (window.__rtcProbe) return;
  const list = [];
  window.__rtcProbe = list;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config) { super(config); list.push(this); }
  };
})();`;

export async function installRtcProbe(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: RTC_PROBE });
}

export function elementCallFrame(page: Page): Frame | undefined {
  return page.frames().find((f) => f.url().includes("/widgets/element-call/"));
}

export async function waitForElementCallFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const f = elementCallFrame(page);
    if (f) return f;
    await page.waitForTimeout(100);
  }
  throw new Error("Element Call's frame never appeared");
}

export interface RemoteVideo {
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

/** Inbound video of every live peer connection Element Call opened. */
export async function remoteVideoStats(frame: Frame): Promise<RemoteVideo[]> {
  return frame.evaluate(async () => {
    const pcs = (window as unknown as { __rtcProbe?: RTCPeerConnection[] }).__rtcProbe ?? [];
    const out: { framesDecoded: number; frameWidth: number; frameHeight: number }[] = [];
    for (const pc of pcs) {
      if (pc.connectionState === "closed") continue;
      const stats = await pc.getStats();
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type === "inbound-rtp" && s.kind === "video") {
          out.push({
            framesDecoded: Number(s.framesDecoded ?? 0),
            frameWidth: Number(s.frameWidth ?? 0),
            frameHeight: Number(s.frameHeight ?? 0),
          });
        }
      });
    }
    return out;
  });
}

/** Frames decoded so far across all inbound video streams. */
export async function totalFramesDecoded(frame: Frame): Promise<number> {
  return (await remoteVideoStats(frame)).reduce((n, v) => n + v.framesDecoded, 0);
}

/** Video elements showing a remote picture (dimensions known, playing). */
export async function playingRemoteVideos(frame: Frame): Promise<number> {
  return frame.evaluate(
    () =>
      [...document.querySelectorAll("video")].filter(
        (v) =>
          v.videoWidth > 0 &&
          !v.paused &&
          v.srcObject instanceof MediaStream &&
          v.srcObject
            .getVideoTracks()
            .some(
              (t) =>
                t.readyState === "live" && !(t as MediaStreamTrack & { _local?: boolean })._local,
            ),
      ).length,
  );
}

/**
 * How Element Call's media is end-to-end encrypted: senders and receivers with an encoded
 * transform (RTCRtpScriptTransform) or peer connections in encoded-insertable-streams mode.
 */
export async function e2eeMediaTransforms(frame: Frame): Promise<{
  transformedSenders: number;
  transformedReceivers: number;
  insertableStreamsPcs: number;
}> {
  return frame.evaluate(() => {
    const pcs = (window as unknown as { __rtcProbe?: RTCPeerConnection[] }).__rtcProbe ?? [];
    let transformedSenders = 0;
    let transformedReceivers = 0;
    let insertableStreamsPcs = 0;
    for (const pc of pcs) {
      if (pc.connectionState === "closed") continue;
      const config = pc.getConfiguration() as RTCConfiguration & {
        encodedInsertableStreams?: boolean;
      };
      if (config.encodedInsertableStreams) insertableStreamsPcs++;
      for (const s of pc.getSenders())
        if (s.track && (s as RTCRtpSender & { transform?: unknown }).transform)
          transformedSenders++;
      for (const r of pc.getReceivers())
        if ((r as RTCRtpReceiver & { transform?: unknown }).transform) transformedReceivers++;
    }
    return { transformedSenders, transformedReceivers, insertableStreamsPcs };
  });
}

/** Media moving through Element Call's live peer connections, summed over streams. */
export interface MediaFlow {
  inboundAudioPackets: number;
  /** Sum of squared sample levels received: above zero when the sound is not silence. */
  inboundAudioEnergy: number;
  inboundVideoFramesDecoded: number;
  outboundAudioPackets: number;
  outboundVideoFramesEncoded: number;
}

export async function mediaFlow(frame: Frame): Promise<MediaFlow> {
  return frame.evaluate(async () => {
    const pcs = (window as unknown as { __rtcProbe?: RTCPeerConnection[] }).__rtcProbe ?? [];
    const flow = {
      inboundAudioPackets: 0,
      inboundAudioEnergy: 0,
      inboundVideoFramesDecoded: 0,
      outboundAudioPackets: 0,
      outboundVideoFramesEncoded: 0,
    };
    for (const pc of pcs) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        const n = (k: string) => Number(s[k] ?? 0);
        if (s.type === "inbound-rtp" && s.kind === "audio") {
          flow.inboundAudioPackets += n("packetsReceived");
          flow.inboundAudioEnergy += n("totalAudioEnergy");
        } else if (s.type === "inbound-rtp" && s.kind === "video") {
          flow.inboundVideoFramesDecoded += n("framesDecoded");
        } else if (s.type === "outbound-rtp" && s.kind === "audio") {
          flow.outboundAudioPackets += n("packetsSent");
        } else if (s.type === "outbound-rtp" && s.kind === "video") {
          flow.outboundVideoFramesEncoded += n("framesEncoded");
        }
      });
    }
    return flow;
  });
}
