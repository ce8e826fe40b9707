import { useEffect, useState } from "react";
import { loadRuntimeConfig } from "../core/runtime-config.ts";

let allowList: Promise<string[]> | undefined;

/**
 * The runtime config's `widgetOrigins`, read once per page. A config that cannot be read
 * allows no third-party widget (the safe side).
 */
export function widgetAllowList(): Promise<string[]> {
  allowList ??= loadRuntimeConfig().then(
    (c) => c.widgetOrigins,
    () => [],
  );
  return allowList;
}

/** The allow-list, or null while it is being read. */
export function useWidgetAllowList(): string[] | null {
  const [list, setList] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    void widgetAllowList().then((l) => live && setList(l));
    return () => {
      live = false;
    };
  }, []);
  return list;
}
