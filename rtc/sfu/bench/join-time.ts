/**
 * Join-time benchmark: one Chromium page publishes camera + microphone; another
 * page joins `n` times (real livekit-client, loopback) and measures connect ->
 * first remote video frame decoded. Returns p50/p90 in milliseconds.
 */
import { percentile } from "../../../tests/bench/harness.ts";
import { startSfu } from "../server.ts";
import {
  API_KEY,
  API_SECRET,
  launchChromium,
  mintToken,
  startPageServer,
  TestPage,
} from "../../../tests/e2e/sfu/harness.ts";

export interface JoinTimeResult {
  joins: number;
  p50: number;
  p90: number;
  min: number;
  max: number;
  /** Signalling + peer connection part (Room.connect resolved), p50. */
  connectP50: number;
  samples: number[];
}

export async function benchJoinTime(n = 20): Promise<JoinTimeResult> {
  const sfu = await startSfu({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    port: 0,
    host: "127.0.0.1",
    announcedIp: "127.0.0.1",
    autoCreate: true,
  });
  const web = await startPageServer();
  const chrome = await launchChromium();
  try {
    const publisher = await TestPage.open(chrome.context, web.url);
    await publisher.call("join", sfu.url, await mintToken("publisher", "bench"));
    const joiner = await TestPage.open(chrome.context, web.url);
    // One warm-up join (browser codec/worker start-up), not counted.
    await joiner.call("timeToFirstFrame", sfu.url, await mintToken("warmup", "bench"));
    await joiner.call("leave");
    const samples: number[] = [];
    const connects: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await joiner.call(
        "timeToFirstFrame",
        sfu.url,
        await mintToken(`joiner-${i}`, "bench"),
      );
      samples.push(r.firstFrameMs);
      connects.push(r.connectMs);
      await joiner.call("leave");
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      joins: n,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      min: sorted[0]!,
      max: sorted[sorted.length - 1]!,
      connectP50: percentile(
        [...connects].sort((a, b) => a - b),
        50,
      ),
      samples,
    };
  } finally {
    await chrome.close();
    await web.close();
    await sfu.stop();
  }
}
