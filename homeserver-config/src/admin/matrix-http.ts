/** A Matrix error response, with the homeserver's errcode kept for callers to branch on. */
export class MatrixHttpError extends Error {
  override name = "MatrixHttpError";
  constructor(
    readonly status: number,
    readonly errcode: string | undefined,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: string;
  accessToken?: string;
  body?: unknown;
  timeoutMs?: number;
}

/** JSON over HTTP to a homeserver's client listener. Never puts tokens in error messages. */
export async function matrixRequest<T>(
  baseUrl: string,
  path: string,
  { method = "GET", accessToken, body, timeoutMs = 30_000 }: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = (json ?? {}) as { errcode?: string; error?: string };
    throw new MatrixHttpError(
      res.status,
      err.errcode,
      `${method} ${path.split("?")[0]} → ${res.status} ${err.errcode ?? ""} ${err.error ?? text.slice(0, 200)}`.trim(),
      json,
    );
  }
  return json as T;
}
