import { IndexedDBStore } from "matrix-js-sdk";
import loglevel from "loglevel";

// The SDK's IndexedDB store reports every save through its global logger ("matrix"), which the
// client's `logger` option does not reach: two lines per sync in the stack's output, for ever.
loglevel.getLogger("matrix").setLevel("warn");

/**
 * The client's rooms and sync token, kept in IndexedDB so that a restarted bot resumes /sync
 * where it stopped and hears, as live events, what was said while it was down.
 *
 * The token is saved after every sync, but only once every message that sync delivered has been
 * handled (`track`): the SDK awaits `save()` before its next /sync, so a token on disk never runs
 * ahead of an unanswered command. A kill while a command is being handled replays that sync on
 * restart; the bot's list of handled commands makes the replay answer nothing twice.
 */
export class HandledSyncStore extends IndexedDBStore {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(indexedDB: IDBFactory, dbName: string) {
    super({ indexedDB, dbName });
  }

  /** Holds the next save until `work` has settled. */
  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => {},
      () => {},
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  override wantsSave(): boolean {
    return true;
  }

  override async save(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    await super.save(true);
  }
}
