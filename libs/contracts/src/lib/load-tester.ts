import { z } from 'zod';

/** `POST /runLoadTest` of the load tester's server mode (the reference design's API). */
export const RunLoadTestRequest = z
  .object({
    workload: z
      .string()
      .max(1_000_000)
      .optional()
      .describe('Workload text (requests per second, comma- or newline-separated); the server default when absent.'),
    maxImages: z.number().int().min(1).max(100_000).optional().describe('Cap on the number of requests sent.'),
    model: z.string().optional(),
  })
  .strict()
  .meta({ id: 'RunLoadTestRequest' });
export type RunLoadTestRequest = z.infer<typeof RunLoadTestRequest>;

export const GenerateReportRequest = z
  .object({
    totalRequests: z.number().int().min(0).optional().describe('Requests expected; missing ones count as not completed.'),
  })
  .strict()
  .meta({ id: 'GenerateReportRequest' });
export type GenerateReportRequest = z.infer<typeof GenerateReportRequest>;
