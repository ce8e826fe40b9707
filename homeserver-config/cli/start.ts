import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { FederationConfigError, loadFederation } from "../src/load-federation.ts";
import { devInstance } from "../src/local/instance.ts";
import { printStackSummary } from "../src/stack/summary.ts";
import { allServices } from "../src/stack/all-services.ts";
import { startLocalStack } from "../src/stack/start-stack.ts";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fresh: { type: "boolean", default: false },
      federation: {
        type: "string",
        default: path.join(projectRoot, "homeserver-config/federation.yaml"),
      },
    },
  });
  const federation = await loadFederation(values.federation);
  const t0 = Date.now();
  const stack = await startLocalStack({
    federation,
    instance: devInstance(projectRoot),
    fresh: values.fresh,
    projectRoot,
    services: allServices(),
  });
  printStackSummary(stack.description, stack.stackFile, Date.now() - t0);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the stack…`);
    void stack.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((e: unknown) => {
  // Expected failures carry a message written for people; anything else keeps its stack.
  const known = e instanceof Error && "code" in e && typeof e.code === "string";
  if (e instanceof FederationConfigError) console.error(`Invalid federation file:\n${e.message}`);
  else console.error(known ? `Error: ${(e as Error).message}` : e);
  process.exit(1);
});
