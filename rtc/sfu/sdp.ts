/** Small pure SDP helpers: media sections of a publisher offer, candidate filtering. */

export interface MediaSection {
  mid: string;
  kind: string;
  /** `a=msid` stream id (livekit-client: the local stream id). */
  streamId?: string;
  /** `a=msid` track id; equals the `AddTrackRequest.cid` livekit-client sent. */
  trackId?: string;
  /** Simulcast RIDs this section sends, in SDP order. */
  rids: string[];
  direction?: string;
  /** m-line port; 0 means the section was rejected or removed. */
  port: number;
}

const DIRECTIONS = new Set(["sendrecv", "sendonly", "recvonly", "inactive"]);

export function parseMediaSections(sdp: string): MediaSection[] {
  const sections: MediaSection[] = [];
  let current: MediaSection | undefined;
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("m=")) {
      const [kind = "", port = "0"] = line.slice(2).split(" ");
      current = { mid: "", kind, rids: [], port: Number(port) };
      sections.push(current);
      continue;
    }
    if (!current || !line.startsWith("a=")) continue;
    const attr = line.slice(2);
    const colon = attr.indexOf(":");
    const name = colon < 0 ? attr : attr.slice(0, colon);
    const value = colon < 0 ? "" : attr.slice(colon + 1);
    if (name === "mid") current.mid = value;
    else if (name === "msid") {
      const [streamId, trackId] = value.split(" ");
      current.streamId = streamId;
      current.trackId = trackId;
    } else if (name === "rid") {
      const [rid, dir] = value.split(" ");
      if (rid && dir === "send" && !current.rids.includes(rid)) current.rids.push(rid);
    } else if (DIRECTIONS.has(name)) current.direction = name;
  }
  return sections;
}

/** Address of an ICE candidate (`candidate:… <ip> <port> typ …`), or undefined. */
export function candidateAddress(candidate: string): string | undefined {
  const parts = candidate.replace(/^a=/, "").split(" ");
  return parts.length >= 8 ? parts[4] : undefined;
}

/** Removes `a=candidate` lines whose address is not allowed. */
export function filterSdpCandidates(sdp: string, allowed: (address: string) => boolean): string {
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  return sdp
    .split(eol)
    .filter((line) => {
      if (!line.startsWith("a=candidate:")) return true;
      const address = candidateAddress(line);
      return address !== undefined && allowed(address);
    })
    .join(eol);
}

/** Whether a publisher's section still sends media. */
export function sectionSends(section: MediaSection): boolean {
  return section.port !== 0 && section.direction !== "inactive" && section.direction !== "recvonly";
}
