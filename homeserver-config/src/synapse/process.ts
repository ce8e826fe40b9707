import type { ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import type { SynapseLaunch, SynapseLauncher } from "./launcher.ts";

/** A homeserver that did not come up; the message quotes the end of its log. */
export class SynapseStartError extends Error {
  readonly code = "SYNAPSE_START_FAILED";
  override name = "SynapseStartError";
}

export interface SynapseProcessOptions extends SynapseLaunch {
  serverName: string;
  clientUrl: string;
  /** Synapse's stdout/stderr go here (its own log goes where its log config says). */
  consoleLog: string;
  logFile: string;
}

/** One running Synapse, owned by whoever started it: `stop()` ends it and nothing else. */
export class SynapseProcess {
  private exited: Promise<number | null>;
  private constructor(
    readonly options: SynapseProcessOptions,
    private readonly child: ChildProcess,
  ) {
    const out = createWriteStream(options.consoleLog, { flags: "a" });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(
    launcher: SynapseLauncher,
    options: SynapseProcessOptions,
    timeoutMs = 180_000,
  ): Promise<SynapseProcess> {
    const proc = new SynapseProcess(options, launcher.spawn(options));
    await proc.waitUntilReady(timeoutMs);
    return proc;
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let dead: number | null | undefined;
    void this.exited.then((code) => (dead = code));
    while (Date.now() < deadline) {
      if (dead !== undefined) {
        throw new SynapseStartError(
          `${this.options.serverName} exited with code ${dead} while starting.\n${await this.logTail()}`,
        );
      }
      try {
        const res = await fetch(`${this.options.clientUrl}/_matrix/client/versions`, {
          signal: AbortSignal.timeout(2000),
        });
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    await this.stop();
    throw new SynapseStartError(
      `${this.options.serverName} did not answer on ${this.options.clientUrl} within ` +
        `${timeoutMs / 1000} s.\n${await this.logTail()}`,
    );
  }

  async logTail(lines = 15): Promise<string> {
    const read = (f: string) => readFile(f, "utf8").catch(() => "");
    const text = (await read(this.options.consoleLog)) + (await read(this.options.logFile));
    const tail = text.trimEnd().split("\n").slice(-lines).join("\n");
    return tail ? `Last log lines:\n${tail}` : `(no log output; see ${this.options.logFile})`;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
