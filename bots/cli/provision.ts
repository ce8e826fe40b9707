import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { SingleBar } from "cli-progress";
import { FederationConfigError } from "../../homeserver-config/src/load-federation.ts";
import { loadProductionTarget, loadStackTarget, TargetConfigError } from "../config/target.ts";
import { actionLabel } from "../provision/actions.ts";
import { JsonlAuditLog } from "../provision/audit-log.ts";
import { pendingActions } from "../provision/plan.ts";
import { applyProvisioning, planProvisioning, PlanProblemsError } from "../provision/provision.ts";
import { loadSpec, SpecError } from "../spec/load-spec.ts";
import { renderApplyReport, renderPlan } from "./render-plan.ts";
import { totalStats } from "./stats.ts";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Exit codes: 0 nothing to do / converged, 1 error, 2 changes pending (plan) or left (apply). */
export const EXIT = { ok: 0, error: 1, pending: 2 } as const;

const usage = `Usage: npm run provision -- <plan|apply> --spec FILE [options]

  plan     show what would change (writes nothing); exit code 2 when changes are pending
  apply    make the changes, then check that nothing is left

Options:
  --spec FILE          provisioning spec (YAML)
  --stack FILE         local stack description (default .local/dev/stack.json)
  --config FILE        production provisioner config (one agency, its own token)
  --agency ID          act only as this homeserver's provisioner (repeatable)
  --federation FILE    federation.yaml (default homeserver-config/federation.yaml; with
                       --config, the config names it)
  --audit FILE         audit log (JSON lines; default next to the stack or config)
  --concurrency N      rooms worked on at once (default 16)
  --no-color           plain output`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      spec: { type: "string" },
      stack: { type: "string", default: path.join(projectRoot, ".local/dev/stack.json") },
      config: { type: "string" },
      agency: { type: "string", multiple: true },
      federation: {
        type: "string",
        default: path.join(projectRoot, "homeserver-config/federation.yaml"),
      },
      audit: { type: "string" },
      concurrency: { type: "string", default: "16" },
      "no-color": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const command = positionals[0];
  if (values.help || (command !== "plan" && command !== "apply") || !values.spec) {
    console.error(usage);
    return values.help ? EXIT.ok : EXIT.error;
  }
  const useColour = !values["no-color"] && process.stdout.isTTY === true;
  const retries: string[] = [];
  const targetOptions = {
    ...(values.agency ? { only: values.agency } : {}),
    onRetry: (i: { reason: string; delayMs: number; path: string }) =>
      retries.push(`${i.reason} ${i.path} (waiting ${i.delayMs} ms)`),
  };
  const target = values.config
    ? await loadProductionTarget(values.config, targetOptions)
    : await loadStackTarget(values.stack, values.federation, targetOptions);
  const spec = await loadSpec(values.spec, target.env);
  const ctx = { spec, env: target.env, agents: target.agents };

  if (command === "plan") {
    const plan = await planProvisioning(ctx);
    console.log(renderPlan(plan, spec, useColour));
    if (plan.problems.length > 0) return EXIT.error;
    return pendingActions(plan).length > 0 ? EXIT.pending : EXIT.ok;
  }

  const auditFile = values.audit ?? target.auditLog;
  const t0 = Date.now();
  let bar: SingleBar | undefined;
  const report = await applyProvisioning({
    ...ctx,
    audit: new JsonlAuditLog(auditFile),
    concurrency: Math.max(1, Number(values.concurrency) || 16),
    onPlan: (plan, round) => {
      if (round === 1) console.log(renderPlan(plan, spec, useColour));
      bar?.stop();
      bar = undefined;
      const n = pendingActions(plan).length;
      if (n > 0 && process.stderr.isTTY) {
        bar = new SingleBar({
          format: `${round === 1 ? "Applying" : "Finishing"} [{bar}] {value}/{total} {last}`,
          barsize: 30,
          hideCursor: true,
          stream: process.stderr,
        });
        bar.start(n, 0, { last: "" });
      }
    },
    onProgress: (done, _total, last) =>
      bar?.update(done, { last: `${last.room} ${actionLabel(last)}`.slice(0, 50) }),
  }).finally(() => bar?.stop());
  const stats = totalStats(target.agents);
  console.log(renderApplyReport(report, stats, Date.now() - t0, auditFile, useColour));
  const failed = report.rounds.some((r) => r.failed.length > 0);
  if (failed) return EXIT.error;
  return report.remaining.length > 0 ? EXIT.pending : EXIT.ok;
}

// Run only as a program (tests import `main`).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((e: unknown) => {
      if (e instanceof SpecError) console.error(`Invalid spec:\n${e.message}`);
      else if (e instanceof PlanProblemsError) console.error(e.message);
      else if (e instanceof FederationConfigError || e instanceof TargetConfigError) {
        console.error(`Invalid configuration:\n${e.message}`);
      } else if (e instanceof Error && "code" in e) console.error(`Error: ${e.message}`);
      else console.error(e);
      process.exit(EXIT.error);
    });
}

export { main };
