import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import type { StackDescription } from "../../homeserver-config/src/stack/stack-description.ts";
import { totalStats } from "../cli/stats.ts";
import { targetFromStack, type ProvisioningTarget } from "../config/target.ts";
import { MemoryAuditLog } from "../provision/audit-log.ts";
import { applyProvisioning, planProvisioning } from "../provision/provision.ts";
import { parseSpec } from "../spec/load-spec.ts";

/** Helpers the bots' integration tests and benchmark share. No assertions here. */

export async function stackTarget(
  stack: StackDescription,
  projectRoot: string,
  only?: string[],
): Promise<ProvisioningTarget> {
  const federation = await loadFederation(
    path.join(projectRoot, "homeserver-config/federation.yaml"),
  );
  return targetFromStack(stack, federation, path.join(projectRoot, ".local/unused/stack.json"), {
    ...(only ? { only } : {}),
  });
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `${prefix}-`));
}

export async function writeSpecFile(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

/** Plans and applies `specText` in-process with a fresh set of agents; returns the figures. */
export async function applySpecText(
  stack: StackDescription,
  projectRoot: string,
  specText: string,
  o: { only?: string[]; concurrency?: number } = {},
) {
  const target = await stackTarget(stack, projectRoot, o.only);
  const spec = parseSpec(specText, "spec.yaml", target.env);
  const audit = new MemoryAuditLog();
  const report = await applyProvisioning({
    spec,
    env: target.env,
    agents: target.agents,
    audit,
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
  });
  return { report, audit, stats: totalStats(target.agents), target, spec };
}

export async function planSpecText(stack: StackDescription, projectRoot: string, specText: string) {
  const target = await stackTarget(stack, projectRoot);
  const spec = parseSpec(specText, "spec.yaml", target.env);
  const plan = await planProvisioning({ spec, env: target.env, agents: target.agents });
  return { plan, stats: totalStats(target.agents), target, spec };
}

/** Runs a TypeScript entry point of the project as its own Node process (one pid to kill). */
export function spawnTsx(
  projectRoot: string,
  script: string,
  args: string[],
  onOutput?: (chunk: string) => void,
): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  child.stdout?.on("data", (c: Buffer) => onOutput?.(c.toString()));
  child.stderr?.on("data", (c: Buffer) => onOutput?.(c.toString()));
  return child;
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}
