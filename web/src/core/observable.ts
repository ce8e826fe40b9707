/**
 * The one reactive primitive of the client: a value that can be read now and watched.
 * View models expose these; React reads them through `useObservable` (useSyncExternalStore),
 * so domain code never imports React.
 */
export type Unsubscribe = () => void;

export interface ReadonlyObservable<T> {
  get(): T;
  subscribe(listener: () => void): Unsubscribe;
}

export class Observable<T> implements ReadonlyObservable<T> {
  private listeners = new Set<() => void>();
  constructor(private value: T) {}

  // Arrow properties so they can be passed to useSyncExternalStore unbound.
  get = (): T => this.value;

  subscribe = (listener: () => void): Unsubscribe => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const l of [...this.listeners]) l();
  }

  update(change: (value: T) => T): void {
    this.set(change(this.value));
  }
}

/**
 * Owns subscriptions and timers of one view model so that `dispose()` ends all of them:
 * leaving a room or logging out leaks no listener.
 */
export class Disposer {
  private ends: (() => void)[] = [];
  private disposed = false;

  add(end: () => void): void {
    if (this.disposed) end();
    else this.ends.push(end);
  }

  timeout(fn: () => void, ms: number): void {
    const t = setTimeout(fn, ms);
    this.add(() => clearTimeout(t));
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    this.disposed = true;
    for (const end of this.ends.splice(0).reverse()) end();
  }
}

/** Coalesces bursts of sync events into one recomputation per task. */
export function coalesce(fn: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      fn();
    });
  };
}
