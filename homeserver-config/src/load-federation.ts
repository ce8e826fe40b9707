import { readFile } from "node:fs/promises";
import { isNode, LineCounter, parseDocument, type Document } from "yaml";
import type { Federation } from "./model.ts";
import { federationSchema } from "./schema.ts";
import { crossFieldIssues } from "./schema-rules.ts";

export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path, e.g. `homeservers.0.serverName`. */
  path?: string;
  message: string;
}

/** A federation file that cannot be used; `message` lists every problem, one per line. */
export class FederationConfigError extends Error {
  readonly code = "FEDERATION_CONFIG_INVALID";
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "FederationConfigError";
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

export async function loadFederation(file: string): Promise<Federation> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new FederationConfigError([{ file, message: `cannot read: ${(e as Error).message}` }]);
  }
  return parseFederation(text, file);
}

export function parseFederation(text: string, file: string): Federation {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new FederationConfigError(
      doc.errors.map((err) => {
        const pos = lineCounter.linePos(err.pos[0]);
        return { file, line: pos.line, column: pos.col, message: firstLine(err.message) };
      }),
    );
  }

  const result = federationSchema.safeParse(doc.toJS());
  const issues = result.success
    ? crossFieldIssues(result.data)
    : result.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
        message: i.message,
      }));
  if (issues.length > 0) {
    throw new FederationConfigError(
      issues.map((i) => ({
        file,
        path: i.path.join(".") || "(top level)",
        message: i.message,
        ...locate(doc, lineCounter, i.path),
      })),
    );
  }
  if (!result.success) throw new Error("unreachable: schema failure without issues");
  return result.data;
}

/** The line of the deepest node that exists along `path` (a missing key points at its parent). */
function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: (string | number)[],
): { line?: number; column?: number } {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
