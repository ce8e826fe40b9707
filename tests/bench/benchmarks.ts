import { federationLatency } from "./federation-latency.ts";
import type { Benchmark } from "./harness.ts";

/** Every benchmark `npm run bench` runs against the bench stack, in order. */
export const benchmarks: Benchmark[] = [federationLatency];
