import { z } from 'zod';

/** Every 4xx/5xx answer of every app has this body. `field` names the offending input when there is one. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. "invalid_request", "payload_too_large".'),
      message: z.string().describe('Human-readable explanation naming the problem.'),
      field: z.string().optional().describe('Dotted path of the offending field, when the error is about one.'),
      requestId: z.string().optional(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBody>;
