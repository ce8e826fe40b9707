import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** Linux reports process times in clock ticks; 100 per second on every kernel we run on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, seconds) a running Synapse has used so far, found by its config
 * path in /proc. Benchmarks report it beside wall time: on a shared machine, wall time
 * measures the neighbours too, CPU time mostly measures the work asked of Synapse.
 * Undefined when no such process runs (or outside Linux).
 */
export async function synapseCpuSeconds(homeserverDir: string): Promise<number | undefined> {
  const config = path.join(homeserverDir, "homeserver.yaml");
  let pids: string[];
  try {
    pids = (await readdir("/proc")).filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    const args = cmdline.split("\0");
    if (!args.includes("synapse.app.homeserver") || !args.includes(config)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
    if (!stat) continue;
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  }
  return undefined;
}
