/** What the CLI's exit status means; scripts and CI branch on it. */
export const EXIT = {
  /** Done, and what was checked is fine. */
  ok: 0,
  /** Done, and the answer is "no": a job failed, an input was rejected, a workload or model is invalid. */
  failed: 1,
  /** The command line is wrong (unknown option, missing argument, unreadable file). */
  usage: 2,
  /** A service could not be reached, or answered with a server error. */
  unavailable: 3,
  /** What was asked for does not exist (job, model, queue). */
  notFound: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit status: 0 done, 1 the answer is a failure (job failed, input rejected, invalid workload or model),
2 bad command line, 3 a service is unreachable or failed, 4 not found.`;
