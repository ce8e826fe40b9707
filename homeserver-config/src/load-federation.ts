import { readFile } from "node:fs/promises";
import type { Federation } from "./model.ts";
import { federationSchema } from "./schema.ts";
import { crossFieldIssues } from "./schema-rules.ts";
import { ConfigFileError, YamlSource, YamlSyntaxError, zodIssues } from "./yaml-source.ts";

export { formatProblem, type ConfigProblem } from "./yaml-source.ts";

/** A federation file that cannot be used; `message` lists every problem, one per line. */
export class FederationConfigError extends ConfigFileError {
  readonly code = "FEDERATION_CONFIG_INVALID";
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
  let source: YamlSource;
  try {
    source = YamlSource.parse(text, file);
  } catch (e) {
    if (e instanceof YamlSyntaxError) throw new FederationConfigError(e.problems);
    throw e;
  }

  const result = federationSchema.safeParse(source.toJS());
  const issues = result.success ? crossFieldIssues(result.data) : zodIssues(result.error);
  if (issues.length > 0) throw new FederationConfigError(issues.map((i) => source.problem(i)));
  if (!result.success) throw new Error("unreachable: schema failure without issues");
  return result.data;
}
