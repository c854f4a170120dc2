import type { z } from 'zod';

/** The first problem zod found, as a dotted field path and a message that names it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Turns zod issues into the one problem an API reports: the first, with its field path ("items.3.image"). */
export function firstProblem(error: z.ZodError, root = 'body'): FieldProblem {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : root;
  const message = issue ? `${field}: ${issue.message}` : `${root}: invalid`;
  return { field, message };
}
