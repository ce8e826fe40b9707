import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import { crc32 } from "node:zlib";

/** One change inside a committed IndexedDB transaction, as the journal replays it. */
export type JournalOp =
  | { t: "createStore"; store: string; keyPath: string | string[] | null; autoIncrement: boolean }
  | { t: "deleteStore"; store: string }
  | {
      t: "createIndex";
      store: string;
      index: string;
      keyPath: string | string[];
      unique: boolean;
      multiEntry: boolean;
    }
  | { t: "deleteIndex"; store: string; index: string }
  | { t: "put"; store: string; key: IDBValidKey; value: unknown }
  | { t: "delete"; store: string; query: JournalKeyQuery }
  | { t: "clear"; store: string };

/** A key, or an IDBKeyRange taken apart (ranges are not structured-cloneable). */
export type JournalKeyQuery =
  | { key: IDBValidKey }
  | {
      lower: IDBValidKey | undefined;
      upper: IDBValidKey | undefined;
      lowerOpen: boolean;
      upperOpen: boolean;
    };

/** One committed transaction: written whole or not at all. */
export interface JournalCommit {
  /** The database version after the commit (set by version-change transactions). */
  version?: number;
  /** The database was deleted: everything before this commit is void. */
  deleted?: boolean;
  ops: JournalOp[];
}

const HEADER = 8;

/**
 * An append-only file of committed transactions: `[length u32][crc32 u32][v8 payload]` each.
 * A record cut short by a kill, or whose checksum does not match, ends the journal: it was
 * never acknowledged to the code that wrote it, so dropping it loses nothing it relied on.
 */
export class JournalFile {
  private fd: number;
  private bytes: number;

  private constructor(
    readonly file: string,
    fd: number,
    bytes: number,
    private readonly sync: boolean,
  ) {
    this.fd = fd;
    this.bytes = bytes;
  }

  /** Reads the commits of `file` (none if it does not exist) and opens it for appending. */
  static open(
    file: string,
    options: { sync: boolean },
  ): { journal: JournalFile; commits: JournalCommit[] } {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      data = Buffer.alloc(0);
    }
    const commits: JournalCommit[] = [];
    let offset = 0;
    while (offset + HEADER <= data.length) {
      const length = data.readUInt32LE(offset);
      const end = offset + HEADER + length;
      if (end > data.length) break;
      const payload = data.subarray(offset + HEADER, end);
      if (crc32(payload) !== data.readUInt32LE(offset + 4)) break;
      commits.push(deserialize(payload) as JournalCommit);
      offset = end;
    }
    const fd = openSync(file, "a+", 0o600);
    // A torn tail must go, or the next record would follow garbage and be unreadable.
    if (offset < data.length) ftruncateSync(fd, offset);
    return { journal: new JournalFile(file, fd, offset, options.sync), commits };
  }

  get size(): number {
    return this.bytes;
  }

  /** Synchronous on purpose: the commit is on disk before anyone learns it happened. */
  append(commit: JournalCommit): void {
    const record = encode(commit);
    writeAll(this.fd, record);
    if (this.sync) fdatasyncSync(this.fd);
    this.bytes += record.length;
  }

  /** Replaces the whole journal with `commits` (a compacted form), atomically. */
  replace(commits: JournalCommit[]): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    let bytes = 0;
    try {
      for (const c of commits) {
        const record = encode(c);
        writeAll(fd, record);
        bytes += record.length;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    syncDirectory(path.dirname(this.file));
    closeSync(this.fd);
    this.fd = openSync(this.file, "a", 0o600);
    this.bytes = bytes;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function encode(commit: JournalCommit): Buffer {
  const payload = serialize(commit);
  const header = Buffer.alloc(HEADER);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

function writeAll(fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written);
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
