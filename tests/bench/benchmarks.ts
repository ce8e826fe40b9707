import { provisioningBenchmark } from "../../bots/bench/provision-bench.ts";
import { tokenLatency } from "../../rtc/auth/bench/token-latency.ts";
import { federationLatency } from "./federation-latency.ts";
import type { Benchmark } from "./harness.ts";
import { sfuJoinTime } from "./sfu-join.ts";
import { webBundleSize } from "../../web/bench/bundle-benchmark.ts";
import { webHistoryRestore } from "../../web/bench/history-restore.ts";
import { webMessageLatency } from "../../web/bench/message-latency.ts";
import { webRoomList500 } from "../../web/bench/room-list-500.ts";
import { callSetupTime } from "../../widgets/bench/call-setup.ts";

/** Every benchmark `npm run bench` runs against the bench stack, in order. */
export const benchmarks: Benchmark[] = [
  federationLatency,
  tokenLatency,
  sfuJoinTime,
  webBundleSize,
  webMessageLatency,
  callSetupTime,
  provisioningBenchmark,
  webHistoryRestore,
  // Last: its 500 rooms and their background work on ministry A's Synapse would weigh on
  // the benchmarks after it (provisioning took 64 s after it, 54 s alone).
  webRoomList500,
];
