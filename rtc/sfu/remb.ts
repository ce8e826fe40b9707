/** Periodic receiver-estimated max bitrate toward publishers (so Chrome sends every simulcast layer). */
import {
  ReceiverEstimatedMaxBitrate,
  RtcpPayloadSpecificFeedback,
  type RTCDtlsTransport,
} from "werift";

/** REMB encodes bitrate as an 18-bit mantissa and a 6-bit exponent. */
export function rembMantissaExp(bitrate: number): { mantissa: number; exp: number } {
  let exp = 0;
  let mantissa = Math.max(0, Math.floor(bitrate));
  while (mantissa >= 1 << 18) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  return { mantissa, exp };
}

export function sendRemb(transport: RTCDtlsTransport, ssrcs: number[], bitrate: number): void {
  const { mantissa, exp } = rembMantissaExp(bitrate);
  const remb = new ReceiverEstimatedMaxBitrate({
    senderSsrc: 1,
    mediaSsrc: 0,
    ssrcNum: ssrcs.length,
    brExp: exp,
    brMantissa: mantissa,
    bitrate: BigInt(mantissa) << BigInt(exp),
    ssrcFeedbacks: ssrcs,
  });
  transport.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback: remb })]).catch(() => undefined);
}
