import { isNode, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";

/** One problem in a YAML file, located as precisely as the file allows. */
export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path, e.g. `homeservers.0.serverName`. */
  path?: string;
  message: string;
}

export type KeyPath = (string | number)[];

/** A problem found on the parsed data, before it is located in the file. */
export interface PathIssue {
  path: KeyPath;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** A configuration file that cannot be used; `message` lists every problem, one per line. */
export abstract class ConfigFileError extends Error {
  abstract readonly code: string;
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = new.target.name;
  }
}

/** YAML that does not parse: its syntax errors, each with file and line. */
export class YamlSyntaxError extends ConfigFileError {
  readonly code = "YAML_SYNTAX";
}

/**
 * A parsed YAML file that remembers where each value came from, so problems found later (by a
 * schema, by cross-field rules, even by checks against a server) can name file, line and key.
 */
export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Parses `text`; duplicate keys and syntax errors throw a YamlSyntaxError. */
  static parse(text: string, file: string): YamlSource {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new YamlSyntaxError(
        doc.errors.map((err) => {
          const pos = lineCounter.linePos(err.pos[0]);
          return { file, line: pos.line, column: pos.col, message: firstLine(err.message) };
        }),
      );
    }
    return new YamlSource(file, doc, lineCounter);
  }

  toJS(): unknown {
    return this.doc.toJS();
  }

  /** The line of the deepest node that exists along `path` (a missing key points at its parent). */
  locate(path: KeyPath): { line?: number; column?: number } {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = this.lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return {};
  }

  problem(issue: PathIssue): ConfigProblem {
    return {
      file: this.file,
      path: issue.path.join(".") || "(top level)",
      message: issue.message,
      ...this.locate(issue.path),
    };
  }
}

/** Zod's issues as path issues (symbol keys, which YAML cannot have, become strings). */
export function zodIssues(error: z.ZodError): PathIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
    message: i.message,
  }));
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
