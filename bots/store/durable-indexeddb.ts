import {
  IDBCursor as FakeCursor,
  IDBCursorWithValue as FakeCursorWithValue,
  IDBDatabase as FakeDatabase,
  IDBFactory as FakeFactory,
  IDBIndex as FakeIndex,
  IDBKeyRange as FakeKeyRange,
  IDBObjectStore as FakeObjectStore,
  IDBOpenDBRequest as FakeOpenDBRequest,
  IDBRequest as FakeRequest,
  IDBTransaction as FakeTransaction,
  IDBVersionChangeEvent as FakeVersionChangeEvent,
  indexedDB as fakeIndexedDB,
} from "fake-indexeddb";
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import {
  JournalFile,
  type JournalCommit,
  type JournalKeyQuery,
  type JournalOp,
} from "./idb-journal.ts";

/**
 * IndexedDB for Node that survives a restart, even a SIGKILL: `fake-indexeddb` (in memory)
 * plus a journal per database in a folder. This is what lets the Rust crypto store of
 * matrix-js-sdk (which only knows IndexedDB) keep a bot's device across restarts.
 *
 * Why it is safe: a transaction's changes are appended to its journal synchronously in the
 * transaction's `complete` event, before any code awaiting that transaction can resume. So
 * whatever the SDK does because a write committed (upload one-time keys, send with an advanced
 * Olm/Megolm ratchet, acknowledge to-device messages with the next /sync) happens after the
 * write is on disk. A kill loses only transactions no one had seen complete, which is the
 * guarantee a browser's IndexedDB gives too. There is no periodic snapshot that could be stale:
 * the journal is replayed whole on start, and compacted into one record only from a read-only
 * transaction over every store of the database, which no write can interleave with.
 */
export class DurableIndexedDB {
  private constructor(
    readonly dir: string,
    readonly prefix: string,
  ) {}

  /** The factory the databases live in (the process-wide `indexedDB` the SDK's crypto uses). */
  get factory(): IDBFactory {
    return fakeIndexedDB;
  }

  /**
   * Loads every database journaled in `dir` and journals from now on each database whose name
   * starts with `prefix`. Must run before anything opens those databases.
   */
  static async open(
    dir: string,
    prefix: string,
    options: { sync?: boolean; compactAboveBytes?: number } = {},
  ): Promise<DurableIndexedDB> {
    installGlobals();
    patchOnce();
    for (const [p, r] of registrations) {
      if (p.startsWith(prefix) || prefix.startsWith(p)) {
        throw new Error(`IndexedDB prefix "${prefix}" overlaps "${p}" (journaled in ${r.dir})`);
      }
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const registration: Registration = {
      dir,
      sync: options.sync ?? true,
      compactAboveBytes: options.compactAboveBytes ?? 8 * 1024 * 1024,
    };
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith(SUFFIX))
      .sort()) {
      const name = decodeURIComponent(file.slice(0, -SUFFIX.length));
      if (!name.startsWith(prefix)) continue;
      const { journal, commits } = JournalFile.open(path.join(dir, file), {
        sync: registration.sync,
      });
      const tracked: Tracked = { journal, registration, compacting: false };
      await replay(name, commits);
      journals.set(name, tracked);
      if (commits.length > 1) await compact(name, tracked);
    }
    registrations.set(prefix, registration);
    return new DurableIndexedDB(dir, prefix);
  }

  /** Stops journaling (the in-memory databases stay usable, but nothing more is kept). */
  close(): void {
    registrations.delete(this.prefix);
    for (const [name, tracked] of journals) {
      if (name.startsWith(this.prefix)) {
        tracked.journal.close();
        journals.delete(name);
      }
    }
  }
}

const SUFFIX = ".idbj";

interface Registration {
  dir: string;
  sync: boolean;
  compactAboveBytes: number;
}

interface Tracked {
  journal: JournalFile;
  registration: Registration;
  compacting: boolean;
}

const registrations = new Map<string, Registration>();
const journals = new Map<string, Tracked>();
/** Databases being rebuilt from their journal: what they do then is not journaled again. */
const replaying = new Set<string>();
const pending = new WeakMap<IDBTransaction, JournalCommit>();
const upgrades = new WeakMap<IDBDatabase, IDBTransaction>();

function trackedFor(name: string): Tracked | undefined {
  if (replaying.has(name)) return undefined;
  const known = journals.get(name);
  if (known) return known;
  for (const [prefix, registration] of registrations) {
    if (!name.startsWith(prefix)) continue;
    const file = path.join(registration.dir, encodeURIComponent(name) + SUFFIX);
    const { journal } = JournalFile.open(file, { sync: registration.sync });
    const tracked: Tracked = { journal, registration, compacting: false };
    journals.set(name, tracked);
    return tracked;
  }
  return undefined;
}

/** The commit `tx` will append when it completes (created, and hooked, on first use). */
function commitOf(tx: IDBTransaction): JournalCommit | undefined {
  const name = tx.db.name;
  const tracked = trackedFor(name);
  if (!tracked) return undefined;
  let commit = pending.get(tx);
  if (!commit) {
    const created: JournalCommit = { ops: [] };
    if (tx.mode === "versionchange") created.version = tx.db.version;
    pending.set(tx, created);
    tx.addEventListener("complete", () => {
      pending.delete(tx);
      const current = journals.get(name);
      if (!current) return;
      current.journal.append(created);
      if (current.journal.size > current.registration.compactAboveBytes && !current.compacting) {
        setImmediate(() => void compact(name, current).catch(() => {}));
      }
    });
    commit = created;
  }
  return commit;
}

function record(tx: IDBTransaction, op: JournalOp): void {
  commitOf(tx)?.ops.push(op);
}

function keyQuery(query: IDBValidKey | IDBKeyRange): JournalKeyQuery {
  if (query instanceof FakeKeyRange) {
    return {
      lower: query.lower as IDBValidKey | undefined,
      upper: query.upper as IDBValidKey | undefined,
      lowerOpen: query.lowerOpen,
      upperOpen: query.upperOpen,
    };
  }
  return { key: query as IDBValidKey };
}

function keyRangeOf(query: JournalKeyQuery): IDBValidKey | IDBKeyRange {
  if ("key" in query) return query.key;
  const { lower, upper, lowerOpen, upperOpen } = query;
  if (lower === undefined) return FakeKeyRange.upperBound(upper, upperOpen);
  if (upper === undefined) return FakeKeyRange.lowerBound(lower, lowerOpen);
  return FakeKeyRange.bound(lower, upper, lowerOpen, upperOpen);
}

let patched = false;

/** Hooks every write of fake-indexeddb: what journaled databases change is recorded. */
function patchOnce(): void {
  if (patched) return;
  patched = true;
  const factory = FakeFactory.prototype;
  const database = FakeDatabase.prototype;
  const store = FakeObjectStore.prototype;
  const cursor = FakeCursor.prototype;

  const open = factory.open;
  factory.open = function (this: IDBFactory, name: string, version?: number) {
    const request = open.call(this, name, version);
    // Our listener runs before the caller's `onupgradeneeded`: the commit exists from the start
    // and records the new version even when the upgrade changes nothing else.
    request.addEventListener("upgradeneeded", () => {
      const tx = request.transaction;
      if (!tx) return;
      upgrades.set(request.result, tx);
      commitOf(tx);
    });
    return request;
  };

  const deleteDatabase = factory.deleteDatabase;
  factory.deleteDatabase = function (this: IDBFactory, name: string) {
    const request = deleteDatabase.call(this, name);
    request.addEventListener("success", () => {
      if (replaying.has(name)) return;
      journals.get(name)?.journal.append({ deleted: true, ops: [] });
    });
    return request;
  };

  const createObjectStore = database.createObjectStore;
  database.createObjectStore = function (
    this: IDBDatabase,
    name: string,
    options?: IDBObjectStoreParameters,
  ) {
    const created = createObjectStore.call(this, name, options);
    record(created.transaction, {
      t: "createStore",
      store: name,
      keyPath: created.keyPath,
      autoIncrement: created.autoIncrement,
    });
    return created;
  };

  const deleteObjectStore = database.deleteObjectStore;
  database.deleteObjectStore = function (this: IDBDatabase, name: string) {
    deleteObjectStore.call(this, name);
    const tx = upgrades.get(this);
    if (tx) record(tx, { t: "deleteStore", store: name });
  };

  const createIndex = store.createIndex;
  store.createIndex = function (
    this: IDBObjectStore,
    name: string,
    keyPath: string | string[],
    options?: IDBIndexParameters,
  ) {
    const index = createIndex.call(this, name, keyPath, options);
    record(this.transaction, {
      t: "createIndex",
      store: this.name,
      index: name,
      keyPath: index.keyPath,
      unique: index.unique,
      multiEntry: index.multiEntry,
    });
    return index;
  };

  const deleteIndex = store.deleteIndex;
  store.deleteIndex = function (this: IDBObjectStore, name: string) {
    deleteIndex.call(this, name);
    record(this.transaction, { t: "deleteIndex", store: this.name, index: name });
  };

  for (const method of ["put", "add"] as const) {
    const write = store[method];
    store[method] = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = write.call(this, value, key);
      if (!trackedFor(this.transaction.db.name)) return request;
      // Stored as it is now: the caller may change the object once the call returns.
      const copy: unknown = structuredClone(value);
      const storeName = this.name;
      const tx = this.transaction;
      request.addEventListener("success", () => {
        record(tx, { t: "put", store: storeName, key: request.result, value: copy });
      });
      return request;
    };
  }

  const remove = store.delete;
  store.delete = function (this: IDBObjectStore, query: IDBValidKey | IDBKeyRange) {
    const request = remove.call(this, query);
    const op: JournalOp = { t: "delete", store: this.name, query: keyQuery(query) };
    const tx = this.transaction;
    request.addEventListener("success", () => record(tx, op));
    return request;
  };

  const clear = store.clear;
  store.clear = function (this: IDBObjectStore) {
    const request = clear.call(this);
    const op: JournalOp = { t: "clear", store: this.name };
    const tx = this.transaction;
    request.addEventListener("success", () => record(tx, op));
    return request;
  };

  const update = cursor.update;
  cursor.update = function (this: IDBCursor, value: unknown) {
    const request = update.call(this, value);
    const target = storeOf(this);
    if (!trackedFor(target.transaction.db.name)) return request;
    const copy: unknown = structuredClone(value);
    const key = this.primaryKey;
    request.addEventListener("success", () => {
      record(target.transaction, { t: "put", store: target.name, key, value: copy });
    });
    return request;
  };

  const cursorDelete = cursor.delete;
  cursor.delete = function (this: IDBCursor) {
    const request = cursorDelete.call(this);
    const target = storeOf(this);
    const key = this.primaryKey;
    request.addEventListener("success", () => {
      record(target.transaction, { t: "delete", store: target.name, query: { key } });
    });
    return request;
  };
}

function storeOf(c: IDBCursor): IDBObjectStore {
  return c.source instanceof FakeIndex ? c.source.objectStore : (c.source as IDBObjectStore);
}

/** Rebuilds `name` from its commits in one version-change transaction. */
async function replay(name: string, commits: JournalCommit[]): Promise<void> {
  let version = 0;
  let ops: JournalOp[] = [];
  for (const c of commits) {
    if (c.deleted) {
      version = 0;
      ops = [];
    }
    if (c.version) version = c.version;
    ops.push(...c.ops);
  }
  if (version === 0) return;
  replaying.add(name);
  try {
    await new Promise<void>((resolve, reject) => {
      const request = fakeIndexedDB.open(name, version);
      request.onupgradeneeded = () => {
        const db = request.result;
        const tx = request.transaction!;
        for (const op of ops) apply(db, tx, op);
      };
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () =>
        reject(new Error(`IndexedDB ${name}: journal replay failed: ${String(request.error)}`));
    });
  } finally {
    replaying.delete(name);
  }
}

function apply(db: IDBDatabase, tx: IDBTransaction, op: JournalOp): void {
  switch (op.t) {
    case "createStore":
      db.createObjectStore(op.store, { keyPath: op.keyPath, autoIncrement: op.autoIncrement });
      return;
    case "deleteStore":
      db.deleteObjectStore(op.store);
      return;
    case "createIndex":
      tx.objectStore(op.store).createIndex(op.index, op.keyPath, {
        unique: op.unique,
        multiEntry: op.multiEntry,
      });
      return;
    case "deleteIndex":
      tx.objectStore(op.store).deleteIndex(op.index);
      return;
    case "put": {
      const s = tx.objectStore(op.store);
      if (s.keyPath === null) s.put(op.value, op.key);
      else s.put(withGeneratedKey(s, op.value, op.key));
      return;
    }
    case "delete":
      tx.objectStore(op.store).delete(keyRangeOf(op.query));
      return;
    case "clear":
      tx.objectStore(op.store).clear();
      return;
  }
}

/** An inline key the store generated is not in the value as written: put it back. */
function withGeneratedKey(s: IDBObjectStore, value: unknown, key: IDBValidKey): unknown {
  if (s.autoIncrement && typeof s.keyPath === "string" && value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (!(s.keyPath in o)) o[s.keyPath] = key;
  }
  return value;
}

/**
 * Rewrites the journal of `name` as one commit holding its current content. The content is read
 * in one read-only transaction over all its stores, and the file replaced in that transaction's
 * `complete` event: no write can commit between the read and the replacement.
 */
function compact(name: string, tracked: Tracked): Promise<void> {
  tracked.compacting = true;
  return new Promise<void>((resolve, reject) => {
    const request = fakeIndexedDB.open(name);
    request.onerror = () => reject(new Error(`IndexedDB ${name}: ${String(request.error)}`));
    request.onsuccess = () => {
      const db = request.result;
      const names = [...db.objectStoreNames];
      const snapshot: JournalCommit = { version: db.version, ops: [] };
      const rows: JournalOp[] = [];
      if (names.length === 0) {
        db.close();
        tracked.compacting = false;
        return resolve();
      }
      const tx = db.transaction(names, "readonly");
      for (const storeName of names) {
        const s = tx.objectStore(storeName);
        snapshot.ops.push({
          t: "createStore",
          store: storeName,
          keyPath: s.keyPath,
          autoIncrement: s.autoIncrement,
        });
        for (const indexName of s.indexNames) {
          const index = s.index(indexName);
          snapshot.ops.push({
            t: "createIndex",
            store: storeName,
            index: indexName,
            keyPath: index.keyPath,
            unique: index.unique,
            multiEntry: index.multiEntry,
          });
        }
        const keys = s.getAllKeys();
        const values = s.getAll();
        values.onsuccess = () => {
          keys.result.forEach((key, i) =>
            rows.push({ t: "put", store: storeName, key, value: values.result[i] }),
          );
        };
      }
      tx.oncomplete = () => {
        snapshot.ops.push(...rows);
        try {
          if (journals.get(name) === tracked) tracked.journal.replace([snapshot]);
          resolve();
        } catch (e) {
          reject(e as Error);
        } finally {
          tracked.compacting = false;
          db.close();
        }
      };
      tx.onabort = () => {
        tracked.compacting = false;
        db.close();
        reject(new Error(`IndexedDB ${name}: compaction read aborted`));
      };
    };
  });
}

/** The Rust crypto store looks IndexedDB up on the global object, as in a browser. */
function installGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  if (g.indexedDB === fakeIndexedDB) return;
  if (g.indexedDB !== undefined) {
    throw new Error("another IndexedDB implementation is already installed in this process");
  }
  Object.assign(g, {
    indexedDB: fakeIndexedDB,
    IDBCursor: FakeCursor,
    IDBCursorWithValue: FakeCursorWithValue,
    IDBDatabase: FakeDatabase,
    IDBFactory: FakeFactory,
    IDBIndex: FakeIndex,
    IDBKeyRange: FakeKeyRange,
    IDBObjectStore: FakeObjectStore,
    IDBOpenDBRequest: FakeOpenDBRequest,
    IDBRequest: FakeRequest,
    IDBTransaction: FakeTransaction,
    IDBVersionChangeEvent: FakeVersionChangeEvent,
  });
}
