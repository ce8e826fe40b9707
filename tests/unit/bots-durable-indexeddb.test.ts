import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JournalFile } from "../../bots/store/idb-journal.ts";
import { DurableIndexedDB } from "../../bots/store/durable-indexeddb.ts";

const root = mkdtempSync(path.join(tmpdir(), "durable-idb-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function read<T>(db: IDBDatabase, store: string, run: (s: IDBObjectStore) => IDBRequest<T>) {
  return new Promise<T>((resolve, reject) => {
    const request = run(db.transaction(store, "readonly").objectStore(store));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("read failed"));
  });
}

describe("journaled IndexedDB", () => {
  it("keeps every transaction that completed before a SIGKILL, and none half-done", async () => {
    const dir = path.join(root, "killed");
    const prefix = "killed:";
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tests/support/durable-idb-writer.ts", dir, prefix],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let acknowledged = 0;
    const killAt = 20 + Math.floor(Math.random() * 40);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        const last = /committed (\d+)\n(?!.*committed)/s.exec(chunk.toString());
        if (last) acknowledged = Number(last[1]);
        // Killed while it writes (no pause between transactions), wherever it is.
        if (acknowledged >= killAt) child.kill("SIGKILL");
      });
      child.on("exit", (_code, signal) =>
        signal === "SIGKILL" ? resolve() : reject(new Error("the writer stopped by itself")),
      );
    });

    await DurableIndexedDB.open(dir, prefix);
    const request = indexedDB.open(`${prefix}db`);
    const db = await new Promise<IDBDatabase>((resolve) => {
      request.onsuccess = () => resolve(request.result);
    });
    const n = await read<number>(db, "counter", (s) => s.get("n") as IDBRequest<number>);
    // At most the one transaction in flight at the kill is past what the writer reported.
    expect(n).toBeGreaterThanOrEqual(acknowledged);
    expect(n).toBeLessThanOrEqual(acknowledged + 1);
    const log = await read(db, "log", (s) => s.getAll() as IDBRequest<{ n: number }[]>);
    expect(log.map((e) => e.n)).toEqual([n - 4, n - 3, n - 2, n - 1, n]);
    db.close();
  });

  it("drops a record torn by a kill and appends after the last whole one", () => {
    const file = path.join(root, "torn.idbj");
    const first = JournalFile.open(file, { sync: false });
    first.journal.append({
      version: 1,
      ops: [{ t: "createStore", store: "s", keyPath: null, autoIncrement: false }],
    });
    first.journal.append({ ops: [{ t: "put", store: "s", key: "k", value: 1 }] });
    first.journal.close();
    const whole = statSync(file).size;
    appendFileSync(file, Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 5]));

    const second = JournalFile.open(file, { sync: false });
    expect(second.commits).toHaveLength(2);
    expect(statSync(file).size).toBe(whole);
    second.journal.append({ ops: [{ t: "put", store: "s", key: "k", value: 2 }] });
    second.journal.close();
    expect(JournalFile.open(file, { sync: false }).commits.map((c) => c.ops[0])).toEqual([
      { t: "createStore", store: "s", keyPath: null, autoIncrement: false },
      { t: "put", store: "s", key: "k", value: 1 },
      { t: "put", store: "s", key: "k", value: 2 },
    ]);
  });
});
