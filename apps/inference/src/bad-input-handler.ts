import type { ErrorRequestHandler } from 'express';
import { AppError } from '@ai/http-server';
import { BadInputError, ModelRepositoryError } from '@ai/model-runtime';

/** The model runtime's error kinds as HTTP errors: bad input is the caller's (4xx, never retried). */
export function toAppError(error: unknown): unknown {
  if (error instanceof BadInputError) return new AppError(error.status, error.code, error.message, { field: error.field });
  if (error instanceof ModelRepositoryError) return AppError.notFound(error.message);
  return error;
}

/** Passes runtime errors on to the central handler in their HTTP form. */
export function badInputHandler(): ErrorRequestHandler {
  return (error, _req, _res, next) => next(toAppError(error));
}
