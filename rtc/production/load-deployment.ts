/** Reads rtc-deployment.yaml; every problem names file, line and key path. */
import { readFile } from "node:fs/promises";
import { isNode, LineCounter, parseDocument, type Document } from "yaml";
import { deploymentIssues, rtcDeploymentSchema, type RtcDeployment } from "./deployment-schema.ts";

export class RtcDeploymentError extends Error {
  readonly code = "RTC_DEPLOYMENT_INVALID";
  override name = "RtcDeploymentError";
}

export async function loadRtcDeployment(file: string): Promise<RtcDeployment> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new RtcDeploymentError(`${file}: cannot read: ${(e as Error).message}`);
  }
  return parseRtcDeployment(text, file);
}

export function parseRtcDeployment(text: string, file: string): RtcDeployment {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new RtcDeploymentError(
      doc.errors
        .map((err) => {
          const pos = lines.linePos(err.pos[0]);
          return `${file}:${pos.line}:${pos.col}: ${err.message.split("\n")[0]}`;
        })
        .join("\n"),
    );
  }
  const result = rtcDeploymentSchema.safeParse(doc.toJS());
  const issues = result.success
    ? deploymentIssues(result.data)
    : result.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
        message: i.message,
      }));
  if (issues.length > 0 || !result.success) {
    throw new RtcDeploymentError(
      issues
        .map(
          (i) =>
            `${file}:${lineOf(doc, lines, i.path)}: ${i.path.join(".") || "(top level)"}: ${i.message}`,
        )
        .join("\n"),
    );
  }
  return result.data;
}

/** Line of the deepest node that exists along `path`. */
function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}
