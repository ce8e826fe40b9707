import { benchJoinTime } from "../../rtc/sfu/bench/join-time.ts";
import { round, type Benchmark } from "./harness.ts";

/** Embedded SFU: a real livekit-client page joins 20 times; connect → first remote frame. */
export const sfuJoinTime: Benchmark = {
  name: "SFU join time",
  async run() {
    const r = await benchJoinTime(20);
    return [
      {
        metric: "join → first remote frame p50",
        value: round(r.p50),
        unit: "ms",
        target: "≤ 1500",
        met: r.p50 <= 1500,
      },
      { metric: "join → first remote frame p90", value: round(r.p90), unit: "ms" },
      { metric: "connect (signalling + ICE) p50", value: round(r.connectP50), unit: "ms" },
      { metric: "first frame p50 / connect p50", value: round(r.p50 / r.connectP50, 2), unit: "×" },
    ];
  },
};
