import { tokenLatency } from "../../rtc/auth/bench/token-latency.ts";
import { federationLatency } from "./federation-latency.ts";
import type { Benchmark } from "./harness.ts";
import { sfuJoinTime } from "./sfu-join.ts";

/** Every benchmark `npm run bench` runs against the bench stack, in order. */
export const benchmarks: Benchmark[] = [federationLatency, tokenLatency, sfuJoinTime];
