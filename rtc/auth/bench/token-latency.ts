/**
 * `/get_token` as Element Call calls it, against the bench stack: the first request (discovery,
 * TLS handshake with the homeserver), then sequential and concurrent requests. Each request
 * includes the homeserver's userinfo round trip and CreateRoom on the SFU.
 */
import { passwordLogin } from "../../../homeserver-config/src/admin/synapse-admin.ts";
import { matrixRequest } from "../../../homeserver-config/src/admin/matrix-http.ts";
import { percentile, round, type Benchmark } from "../../../tests/bench/harness.ts";

const SEQUENTIAL = 50;
const CONCURRENT = 100;
const PARALLELISM = 10;

export const tokenLatency: Benchmark = {
  name: "MatrixRTC authorization: /get_token latency",
  async run({ stack, log }) {
    const authUrl = stack.services.rtcAuth?.url;
    if (!authUrl) throw new Error("the stack has no rtcAuth service");
    const account = stack.accounts.find((a) => a.homeserver === "ministere-a")!;
    const hs = stack.homeservers.find((h) => h.id === "ministere-a")!;
    const login = await passwordLogin(hs.clientUrl, account.userId, account.password, "bench");
    // One OpenID token per parallel client, as from different people: concurrent requests
    // with the same token share one check with the homeserver, which is not what is measured.
    const openids = await Promise.all(
      Array.from({ length: PARALLELISM }, () =>
        matrixRequest<Record<string, unknown>>(
          hs.clientUrl,
          `/_matrix/client/v3/user/${encodeURIComponent(login.user_id)}/openid/request_token`,
          { method: "POST", accessToken: login.access_token, body: {} },
        ),
      ),
    );
    let n = 0;
    const once = async (client = 0): Promise<number> => {
      const body = JSON.stringify({
        room_id: `!bench${n++}:${hs.serverName}`,
        slot_id: "m.call#ROOM",
        openid_token: openids[client],
        member: { id: `m${n}`, claimed_user_id: login.user_id, claimed_device_id: "BENCH" },
      });
      const t0 = performance.now();
      const res = await fetch(`${authUrl}/get_token`, { method: "POST", body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/get_token answered ${res.status}`);
      return performance.now() - t0;
    };

    const first = await once();
    const sequential: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await once());
    log(`  sequential p50 ${round(percentile(sequential, 50))} ms`);
    const t0 = performance.now();
    const concurrent: number[] = [];
    await Promise.all(
      Array.from({ length: PARALLELISM }, async (_, client) => {
        while (concurrent.length < CONCURRENT) {
          const i = concurrent.push(0) - 1;
          concurrent[i] = await once(client);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return [
      { metric: "first request (discovery + TLS)", value: round(first), unit: "ms" },
      {
        metric: `p50 over ${SEQUENTIAL} sequential`,
        value: round(percentile(sequential, 50)),
        unit: "ms",
      },
      {
        metric: `p90 over ${SEQUENTIAL} sequential`,
        value: round(percentile(sequential, 90)),
        unit: "ms",
      },
      {
        metric: `p90 with ${PARALLELISM} in parallel`,
        value: round(percentile(concurrent, 90)),
        unit: "ms",
      },
      {
        metric: "throughput, 10 in parallel",
        value: round(CONCURRENT / seconds),
        unit: "tokens/s",
      },
    ];
  },
};
