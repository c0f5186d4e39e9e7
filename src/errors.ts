// Errors that carry what the user (or operator) needs to act on them.

/** An expected failure with a message fit to show a user or print on one CLI line. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

/** Lark said no (code != 0 or HTTP error). retryAfterMs is set when the platform told us when to retry. */
export class LarkApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly msg: string,
    readonly httpStatus: number | undefined,
    readonly logId: string | undefined,
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${method} failed: code ${code}${httpStatus ? ` (HTTP ${httpStatus})` : ''}: ${msg}`, options);
    this.name = 'LarkApiError';
  }
}
