import { firstProblem } from '@ai/contracts';
import type { z } from 'zod';
import { AppError } from './app-error';

/** Parses `value` with `schema`, or throws a 400 naming the first offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, root = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problem = firstProblem(result.error, root);
  throw AppError.badRequest(problem.message, problem.field);
}
