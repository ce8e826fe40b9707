// Before anything loads matrix-js-sdk: its debug logging would bury the figures.
import "../../web/src/session/quiet-sdk-logs.ts";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import type { LocalInstance } from "../../homeserver-config/src/local/instance.ts";
import { allServices } from "../../homeserver-config/src/stack/all-services.ts";
import { startLocalStack } from "../../homeserver-config/src/stack/start-stack.ts";
import { benchmarks } from "./benchmarks.ts";
import { round, type BenchFigure } from "./harness.ts";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The benchmarks' own federation, apart from `npm start`'s and the tests'. `--slot N` (1–9)
 * moves it to other addresses and ports, so two benchmarks can run side by side while
 * working — their figures then disturb each other; report only figures from an idle machine.
 */
function benchInstance(slot: number): LocalInstance {
  if (!Number.isInteger(slot) || slot < 0 || slot > 9) {
    throw new Error(`--slot must be an integer from 0 to 9, got "${slot}"`);
  }
  return {
    name: slot === 0 ? "bench" : `bench-${slot}`,
    dataDir: path.join(projectRoot, ".local", slot === 0 ? "bench-stack" : `bench-stack-${slot}`),
    loopbackPrefix: `127.0.${60 + slot}`,
    portBase: 20208 + slot * 200,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: "string" }, slot: { type: "string", default: "0" } },
  });
  const instance = benchInstance(Number(values.slot));
  const log = (line: string) => console.log(line);
  const federation = await loadFederation(
    path.join(projectRoot, "homeserver-config/federation.yaml"),
  );
  const start = (fresh: boolean) =>
    startLocalStack({
      federation,
      instance,
      fresh,
      projectRoot,
      services: allServices(),
      log: () => undefined,
    });

  const results: { benchmark: string; figures: BenchFigure[] }[] = [];
  const failed: string[] = [];
  log("Starting the bench federation from empty…");
  const first = await start(true);
  await first.stop();
  log("Restarting it (data kept)…");
  const stack = await start(false);
  results.push({
    benchmark: "stack restart",
    figures: [
      {
        metric: "first start, all services",
        value: round(first.timings.totalMs / 1000, 2),
        unit: "s",
      },
      {
        metric: "restart: homeservers answering",
        value: round(stack.timings.homeserversReadyMs / 1000, 2),
        unit: "s",
      },
      {
        metric: "restart: ready, all services",
        value: round(stack.timings.totalMs / 1000, 2),
        unit: "s",
        target: "≤ 15",
        met: stack.timings.totalMs <= 15_000,
      },
      {
        metric: "restart / first start",
        value: round(stack.timings.totalMs / first.timings.totalMs, 2),
        unit: "×",
      },
    ],
  });

  try {
    for (const b of benchmarks) {
      if (values.only && !b.name.includes(values.only)) continue;
      log(`Running: ${b.name}`);
      try {
        const figures = await b.run({ stack: stack.description, projectRoot, log });
        results.push({ benchmark: b.name, figures });
      } catch (e) {
        // One broken benchmark must not cost the figures of the others.
        log(`  FAILED: ${(e as Error).stack ?? String(e)}`);
        failed.push(b.name);
      }
    }
  } finally {
    await stack.stop();
  }

  console.log();
  console.table(
    results.flatMap((r) =>
      r.figures.map((f) => ({
        benchmark: r.benchmark,
        metric: f.metric,
        value: `${f.value} ${f.unit}`,
        target: f.target ?? "",
        met: f.met === undefined ? "" : f.met ? "yes" : "NO",
      })),
    ),
  );
  const dir = path.join(projectRoot, ".local", "bench");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `results-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(file, JSON.stringify({ at: new Date().toISOString(), results, failed }, null, 2));
  console.log(`\nResults written to ${file}`);
  if (failed.length > 0) {
    console.error(`\n${failed.length} benchmark(s) failed: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
}

main()
  // Exit once the figures are written: sockets left open by the SDKs and browsers' drivers
  // kept finished runs alive (and busy) underneath the next run's measurements.
  .then(() => process.exit())
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
