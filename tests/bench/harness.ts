import type { StackDescription } from "../../homeserver-config/src/stack/stack-description.ts";

/** One figure a benchmark reports; `ratio` compares it with a baseline measured in the same run. */
export interface BenchFigure {
  metric: string;
  value: number;
  unit: string;
  /** The target from the issue, as text (e.g. "≤ 1.10"), when there is one. */
  target?: string;
  /** Whether the figure meets its target; absent when there is none. */
  met?: boolean;
}

export interface BenchContext {
  stack: StackDescription;
  projectRoot: string;
  log: (line: string) => void;
}

export interface Benchmark {
  name: string;
  run(ctx: BenchContext): Promise<BenchFigure[]>;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
