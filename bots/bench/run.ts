import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import { startLocalStack } from "../../homeserver-config/src/stack/start-stack.ts";
import { benchProvisioning } from "./provision-bench.ts";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The provisioning benchmark on its own small stack (homeservers only), for working on the
 * bots without `npm run bench`'s full stack: `tsx bots/bench/run.ts [--rooms N]`.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rooms: { type: "string", default: "100" },
      members: { type: "string", default: "10" },
      concurrency: { type: "string" },
      slot: { type: "string", default: process.env.TCHAP_TEST_SLOT ?? "0" },
      "data-dir": { type: "string" },
    },
  });
  const slot = Number(values.slot);
  const federation = await loadFederation(
    path.join(projectRoot, "homeserver-config/federation.yaml"),
  );
  const stack = await startLocalStack({
    federation,
    instance: {
      name: `bots-bench-${slot}`,
      dataDir: values["data-dir"] ?? path.join(projectRoot, ".local", `bots-bench-${slot}`),
      loopbackPrefix: `127.3.${40 + slot}`,
      portBase: 18008 + slot * 200 + 140,
    },
    fresh: true,
    projectRoot,
    services: [],
    log: (l) => console.log(l),
  });
  try {
    const figures = await benchProvisioning({
      stack: stack.description,
      projectRoot,
      rooms: Number(values.rooms),
      membersPerRoom: Number(values.members),
      ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
      log: (l) => console.log(l),
    });
    console.table(figures);
  } finally {
    await stack.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
