import {
  ClientEvent,
  createClient,
  EventType,
  MsgType,
  RoomEvent,
  type MatrixClient,
} from "matrix-js-sdk";
import type { Logger } from "matrix-js-sdk/lib/logger.js";
import { TestClient } from "../support/matrix-test-client.ts";
import {
  percentile,
  round,
  type BenchContext,
  type BenchFigure,
  type Benchmark,
} from "./harness.ts";

/** Something that sends a text and resolves when the other agency's user has received it. */
interface Pair {
  roundTrip(body: string): Promise<number>;
  close(): Promise<void>;
}

async function rawPair(sender: TestClient, receiver: TestClient, roomId: string): Promise<Pair> {
  await receiver.sync(0); // start from now
  return {
    async roundTrip(body) {
      const t0 = performance.now();
      await sender.send(roomId, body);
      await receiver.waitForEvent(roomId, (e) => e.content.body === body, 30_000);
      return performance.now() - t0;
    },
    close: async () => undefined,
  };
}

/** The SDK logs every request at debug level; a benchmark measures, it does not debug. */
const quietLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (...msg: unknown[]) => console.warn(...msg),
  error: (...msg: unknown[]) => console.error(...msg),
  getChild: () => quietLogger,
};

async function sdkClient(base: TestClient): Promise<MatrixClient> {
  const client = createClient({
    baseUrl: base.baseUrl,
    userId: base.userId,
    accessToken: base.accessToken,
    logger: quietLogger,
  });
  const ready = new Promise<void>((resolve) =>
    client.on(ClientEvent.Sync, (state) => {
      if (state === "PREPARED") resolve();
    }),
  );
  await client.startClient({ initialSyncLimit: 1, lazyLoadMembers: true });
  await ready;
  return client;
}

async function sdkPair(sender: TestClient, receiver: TestClient, roomId: string): Promise<Pair> {
  const [tx, rx] = await Promise.all([sdkClient(sender), sdkClient(receiver)]);
  const waiting = new Map<string, () => void>();
  rx.on(RoomEvent.Timeline, (event, room, toStartOfTimeline) => {
    if (toStartOfTimeline || room?.roomId !== roomId) return;
    const body = event.getContent().body;
    if (typeof body === "string") waiting.get(body)?.();
  });
  return {
    async roundTrip(body) {
      const received = new Promise<void>((resolve) => waiting.set(body, resolve));
      const t0 = performance.now();
      await tx.sendEvent(roomId, EventType.RoomMessage, { msgtype: MsgType.Text, body });
      await received;
      waiting.delete(body);
      return performance.now() - t0;
    },
    async close() {
      tx.stopClient();
      rx.stopClient();
    },
  };
}

const MESSAGES = 200;
const BLOCK = 25;

/**
 * Send → the other agency's user receives it, across federation. The raw HTTP client and the
 * matrix-js-sdk client alternate in blocks so that both see the same machine noise.
 */
export const federationLatency: Benchmark = {
  name: "federation message latency",
  async run({ stack, log }: BenchContext): Promise<BenchFigure[]> {
    const alice = await TestClient.demo(stack, "ministere-a");
    const chloe = await TestClient.demo(stack, "ministere-b");
    const roomId = await alice.createRoom({ name: "Banc de latence", preset: "private_chat" });
    await alice.invite(roomId, chloe.userId);
    await chloe.waitForInvite(roomId);
    await chloe.join(roomId);

    const raw = await rawPair(alice, chloe, roomId);
    const sdk = await sdkPair(alice, chloe, roomId);
    const samples = { raw: [] as number[], sdk: [] as number[] };
    // Warm both paths (connections, caches) before measuring.
    for (let i = 0; i < 5; i++) {
      await raw.roundTrip(`warm raw ${i}`);
      await sdk.roundTrip(`warm sdk ${i}`);
    }
    for (let done = 0; done < MESSAGES; done += BLOCK) {
      for (let i = 0; i < BLOCK; i++) samples.raw.push(await raw.roundTrip(`raw ${done + i}`));
      for (let i = 0; i < BLOCK; i++) samples.sdk.push(await sdk.roundTrip(`sdk ${done + i}`));
      log(`  latency: ${done + BLOCK}/${MESSAGES} messages per client`);
    }
    await sdk.close();
    await raw.close();

    const figures: BenchFigure[] = [];
    for (const [name, values] of Object.entries(samples)) {
      for (const p of [50, 90, 99]) {
        figures.push({
          metric: `${name} client p${p}`,
          value: round(percentile(values, p)),
          unit: "ms",
        });
      }
    }
    const ratio = percentile(samples.sdk, 50) / percentile(samples.raw, 50);
    figures.push({
      metric: "matrix-js-sdk p50 / raw p50",
      value: round(ratio, 3),
      unit: "×",
      target: "≤ 1.10",
      met: ratio <= 1.1,
    });
    return figures;
  },
};
