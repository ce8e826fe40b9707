/** The credentials that let a reload resume the session. Crypto keys live in IndexedDB. */
export interface StoredSession {
  userId: string;
  deviceId: string;
  accessToken: string;
  baseUrl: string;
}

const KEY = "tchap.session";

export function readStoredSession(storage: Storage = localStorage): StoredSession | null {
  try {
    const s = JSON.parse(storage.getItem(KEY) ?? "null") as StoredSession | null;
    if (s && s.userId && s.deviceId && s.accessToken && s.baseUrl) return s;
  } catch {
    // A corrupt entry is treated as logged out.
  }
  return null;
}

export function writeStoredSession(s: StoredSession, storage: Storage = localStorage): void {
  storage.setItem(KEY, JSON.stringify(s));
}

/** Removes everything this origin stored: credentials, crypto store, caches. */
export async function clearLocalData(): Promise<void> {
  localStorage.clear();
  sessionStorage.clear();
  const dbs = (await indexedDB.databases?.()) ?? [];
  await Promise.all(
    dbs.map(
      (db) =>
        new Promise<void>((resolve) => {
          if (!db.name) return resolve();
          const req = indexedDB.deleteDatabase(db.name);
          req.onsuccess = req.onerror = req.onblocked = () => resolve();
        }),
    ),
  );
  if (typeof caches !== "undefined") {
    for (const k of await caches.keys()) await caches.delete(k);
  }
}
