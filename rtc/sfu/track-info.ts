/** Maps a client's AddTrackRequest to the TrackInfo the SFU announces (pure). */
import {
  type AddTrackRequest,
  SimulcastCodecInfo,
  TrackInfo,
  TrackType,
  VideoLayer,
} from "@livekit/protocol";

export function trackInfoFromRequest(req: AddTrackRequest, sid: string): TrackInfo {
  const layers = req.layers.map((l) => new VideoLayer(l));
  const codecs = req.simulcastCodecs.map(
    (c) =>
      new SimulcastCodecInfo({
        mimeType: c.codec ? `${req.type === TrackType.VIDEO ? "video" : "audio"}/${c.codec}` : "",
        cid: c.cid,
        layers: c.layers.length > 0 ? c.layers.map((l) => new VideoLayer(l)) : layers,
      }),
  );
  return new TrackInfo({
    sid,
    type: req.type,
    name: req.name,
    source: req.source,
    muted: req.muted,
    width: req.width,
    height: req.height,
    simulcast: layers.length > 1,
    disableDtx: req.disableDtx,
    stereo: req.stereo,
    disableRed: req.disableRed,
    encryption: req.encryption,
    stream: req.stream,
    layers,
    codecs,
    mimeType: codecs[0]?.mimeType ?? (req.type === TrackType.AUDIO ? "audio/opus" : ""),
    audioFeatures: req.audioFeatures,
    backupCodecPolicy: req.backupCodecPolicy,
  });
}
