import { DurableIndexedDB } from "../../bots/store/durable-indexeddb.ts";

/**
 * Writes to a journaled IndexedDB until it is killed, printing `committed N` once transaction N
 * has completed: a test kills it at a random point and checks what survives.
 */
const [dir, prefix] = process.argv.slice(2) as [string, string];
await DurableIndexedDB.open(dir, prefix);
const request = indexedDB.open(`${prefix}db`, 1);
request.onupgradeneeded = () => {
  request.result.createObjectStore("counter");
  request.result.createObjectStore("log", { keyPath: "id", autoIncrement: true });
};
const db = await new Promise<IDBDatabase>((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error ?? new Error("open failed"));
});
for (let n = 1; ; n++) {
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(["counter", "log"], "readwrite");
    tx.objectStore("counter").put(n, "n");
    const log = tx.objectStore("log");
    log.add({ n, payload: new Uint8Array(512).fill(n % 256) });
    // Keeps the last five entries: deletes by key range go through the journal too.
    log.delete(IDBKeyRange.upperBound(n - 5));
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error("aborted"));
  });
  process.stdout.write(`committed ${n}\n`);
}
