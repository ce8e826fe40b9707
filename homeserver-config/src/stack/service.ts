import type { LocalInstance } from "../local/instance.ts";
import type { Federation } from "../model.ts";
import type { StackDescription } from "./stack-description.ts";

/** What a service of the local stack gets when it starts: the homeservers are already up. */
export interface StackServiceContext {
  federation: Federation;
  instance: LocalInstance;
  projectRoot: string;
  /** The stack so far: homeservers, accounts and the services started before this one. */
  stack: StackDescription;
  log: (line: string) => void;
}

export interface StartedService {
  /** Entries for stack.json's `services`, e.g. `{ directory: "http://127.0.0.1:8090" }`. */
  urls: Record<string, string>;
  stop(): Promise<void>;
}

/** A part of the product that `npm start` and the integration tests run beside Synapse. */
export interface StackService {
  name: string;
  start(ctx: StackServiceContext): Promise<StartedService>;
}
