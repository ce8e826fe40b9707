import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";

/** Another stack already uses this data folder, or a port we need is taken. */
export class StackBusyError extends Error {
  readonly code = "STACK_BUSY";
  override name = "StackBusyError";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the instance's pid lock; a lock left by a dead process is taken over. */
export async function acquireStackLock(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, "stack.pid");
  await mkdir(dataDir, { recursive: true });
  const previous = Number((await readFile(file, "utf8").catch(() => "")).trim());
  if (previous && previous !== process.pid && alive(previous)) {
    throw new StackBusyError(
      `Another stack is already running from ${dataDir} (pid ${previous}). ` +
        `Stop it (Ctrl-C in its terminal, or kill ${previous}) before starting this one.`,
    );
  }
  await writeFile(file, `${process.pid}\n`);
  return async () => {
    const owner = Number((await readFile(file, "utf8").catch(() => "")).trim());
    if (owner === process.pid) await rm(file, { force: true });
  };
}

export async function assertPortFree(host: string, port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new StackBusyError(
          e.code === "EADDRINUSE"
            ? `Port ${port} on ${host} (${what}) is already in use. Is another stack or ` +
                `program using it? Stop it, or start a different instance.`
            : `Cannot listen on ${host}:${port} (${what}): ${e.message}`,
        ),
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
