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

/**
 * A schema's refusal as the domain's: one message per field (the first that field got), and the
 * first of them as the error's message. Takes a zod error's `issues`.
 */
export function invalidFields(issues: readonly { path: readonly PropertyKey[]; message: string }[]): AppError {
  const details: Record<string, string> = {}
  for (const issue of issues) details[String(issue.path[0] ?? 'form')] ??= issue.message
  return new AppError('invalid_input', Object.values(details)[0]!, details)
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError
}
