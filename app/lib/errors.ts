/** The stable codes the domain uses for rule violations; routes map them to HTTP. */
export type AppErrorCode = 'not_found' | 'invalid_input' | 'forbidden' | 'conflict' | 'rate_limited' | 'unavailable'

const statusFor: Record<AppErrorCode, number> = {
  not_found: 404,
  invalid_input: 400,
  forbidden: 403,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
}

/** The one error domain modules throw: a code, an HTTP status and a message a person can read. */
export class AppError extends Error {
  override name = 'AppError'
  readonly status: number
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message)
    this.status = statusFor[code]
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError
}
