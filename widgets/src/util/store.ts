/**
 * A value that can be read now and watched: the shape React's useSyncExternalStore (and the
 * web client's `useObservable`) consumes. `get`/`subscribe` are arrow properties so they can
 * be passed unbound.
 */
export class Store<T> {
  private listeners = new Set<() => void>();
  constructor(private value: T) {}

  get = (): T => this.value;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const l of [...this.listeners]) l();
  }
}
