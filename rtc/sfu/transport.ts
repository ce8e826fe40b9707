/** werift peer-connection factory: codecs, header extensions, ICE ports and announced addresses. */
import { networkInterfaces } from "node:os";
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  useNACK,
  usePLI,
  useREMB,
  useFIR,
  useRepairedRtpStreamId,
  useSdesMid,
  useSdesRTPStreamId,
} from "werift";
import type { SfuConfig } from "./config.ts";
import { candidateAddress, filterSdpCandidates } from "./sdp.ts";

function codecs() {
  return {
    audio: [
      new RTCRtpCodecParameters({
        mimeType: "audio/opus",
        clockRate: 48000,
        channels: 2,
        payloadType: 111,
      }),
    ],
    video: [
      new RTCRtpCodecParameters({
        mimeType: "video/VP8",
        clockRate: 90000,
        payloadType: 96,
        rtcpFeedback: [useNACK(), usePLI(), useFIR(), useREMB()],
      }),
    ],
  };
}

export type PcRole = "publisher" | "subscriber";

/**
 * The one IPv4 address ICE uses: the announced IP, or else the first
 * non-internal interface address (127.0.0.1 when there is none).
 */
export function iceAddress(config: SfuConfig): string {
  if (config.announcedIp) return config.announcedIp;
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal);
  return external?.address ?? "127.0.0.1";
}

/**
 * Sockets are bound to the ICE address when it is local, so replies leave
 * with the source address the client checked (the kernel would otherwise pick
 * another source on a multi-homed host and the browser drops DTLS). Behind
 * NAT (announced address not local) they bind to all interfaces.
 */
function bindAddress(address: string): string | undefined {
  const local = Object.values(networkInterfaces())
    .flat()
    .some((i) => i?.address === address);
  return local ? address : undefined;
}

export function createPeerConnection(config: SfuConfig, role: PcRole): RTCPeerConnection {
  const address = iceAddress(config);
  const bind = bindAddress(address);
  const video =
    role === "publisher"
      ? [useSdesMid(), useSdesRTPStreamId(), useRepairedRtpStreamId()]
      : [useSdesMid()];
  return new RTCPeerConnection({
    codecs: codecs(),
    headerExtensions: { audio: [useSdesMid()], video },
    bundlePolicy: "max-bundle",
    iceServers: [],
    iceLite: true,
    iceUseIpv6: false,
    icePortRange: [config.udpPortMin, config.udpPortMax],
    iceAdditionalHostAddresses: [address],
    iceInterfaceAddresses: bind ? { udp4: bind } : undefined,
  });
}

/** Which host candidates clients are told about. */
export function candidateAllowed(config: SfuConfig): (address: string) => boolean {
  const announced = iceAddress(config);
  return (address) => address === announced;
}

export function announcedSdp(config: SfuConfig, sdp: string): string {
  return filterSdpCandidates(sdp, candidateAllowed(config));
}

export function candidateIsAnnounced(config: SfuConfig, candidate: string): boolean {
  const address = candidateAddress(candidate);
  return address !== undefined && candidateAllowed(config)(address);
}
