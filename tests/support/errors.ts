import { AppError } from '../../app/lib/errors'

/** The AppError `run` throws; fails the test when it throws something else or nothing. */
export async function appErrorOf(run: () => Promise<unknown>): Promise<AppError> {
  try {
    await run()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}
