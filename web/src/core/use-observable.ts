import { useSyncExternalStore } from "react";
import type { ReadonlyObservable } from "./observable.ts";

/** The only way components read view-model state. */
export function useObservable<T>(observable: ReadonlyObservable<T>): T {
  return useSyncExternalStore(observable.subscribe, observable.get, observable.get);
}
