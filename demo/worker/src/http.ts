/** Error codes of the HTTP API, each with its status. */
export const API_ERRORS = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  webhook_invalid: 400,
  webhook_signature: 401,
  webhook_stale: 408,
  upgrade_required: 426,
  internal_error: 500,
  misconfigured: 503,
} as const;

/** An error code of the HTTP API. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** True when `code` is an error code of the HTTP API. */
export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.hasOwn(API_ERRORS, code);
}

/** The body of every error answer. */
export interface ErrorBody {
  error: ApiErrorCode;
  message: string;
}

/** An error that becomes an HTTP answer; `message` must never contain a secret. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

const NO_STORE = { "Cache-Control": "no-store" };

/** A JSON answer that no cache keeps. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/** The answer for an {@link ApiError}. */
export function errorResponse(error: ApiError): Response {
  const body: ErrorBody = { error: error.code, message: error.message };
  const headers: Record<string, string> =
    error.code === "unauthorized" ? { "WWW-Authenticate": 'Bearer realm="crisp-hub"' } : {};
  return json(body, API_ERRORS[error.code], headers);
}

/** Reads a JSON object body of at most `maxBytes`; an empty body is `{}`. */
export async function readJsonObject(request: Request, maxBytes = 16_384): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.length > maxBytes) throw new ApiError("payload_too_large", `the body is larger than ${maxBytes} bytes`);
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "the body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ApiError("bad_request", "the body must be a JSON object");
  return body as Record<string, unknown>;
}
