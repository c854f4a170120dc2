import { z } from 'zod';

/** Base64 of an encoded image (JPEG, PNG, WebP); a `data:image/...;base64,` prefix is accepted. */
export const Base64Image = z
  .string()
  .min(1, 'must not be empty')
  .regex(/^(data:image\/[a-z+.-]+;base64,)?[A-Za-z0-9+/\r\n]+={0,2}$/, 'must be base64-encoded image bytes')
  .describe('Base64 of a JPEG, PNG or WebP image; a data: URL prefix is accepted.');

export const InferRequest = z
  .object({
    image: Base64Image,
    topK: z.number().int().min(1).max(1000).default(5).describe('How many labels to return, best first.'),
  })
  .strict()
  .meta({ id: 'InferRequest' });
export type InferRequest = z.infer<typeof InferRequest>;

export const LabelScore = z.object({
  label: z.string(),
  index: z.number().int().nonnegative(),
  probability: z.number().min(0).max(1),
});
export type LabelScore = z.infer<typeof LabelScore>;

/** Server-side timings of one request, in milliseconds. */
export const InferenceTimings = z.object({
  preprocessMs: z.number().nonnegative(),
  queueMs: z.number().nonnegative().describe('Time spent waiting for a batch to form.'),
  inferenceMs: z.number().nonnegative().describe('session.run time of the batch this request was part of.'),
  totalMs: z.number().nonnegative(),
  batchSize: z.number().int().positive(),
});
export type InferenceTimings = z.infer<typeof InferenceTimings>;

export const InferResponse = z
  .object({
    model: z.string(),
    version: z.string(),
    predictions: z.array(LabelScore),
    timings: InferenceTimings,
  })
  .meta({ id: 'InferResponse' });
export type InferResponse = z.infer<typeof InferResponse>;

export const PredictRequest = z
  .object({
    features: z.array(z.number().finite()).min(1).max(1_000_000).describe('Flat feature vector; its length must match the model input.'),
  })
  .strict()
  .meta({ id: 'PredictRequest' });
export type PredictRequest = z.infer<typeof PredictRequest>;

export const PredictResponse = z
  .object({
    model: z.string(),
    version: z.string(),
    label: z.string(),
    probability: z.number().min(0).max(1),
    top3: z.array(LabelScore),
    timings: InferenceTimings,
  })
  .meta({ id: 'PredictResponse' });
export type PredictResponse = z.infer<typeof PredictResponse>;

export const GenerateRequest = z
  .object({
    prompt: z.string().min(1).max(100_000),
    max_new_tokens: z.number().int().min(1).max(4096).default(64),
    temperature: z.number().min(0).max(5).default(1),
    top_k: z.number().int().min(0).max(100_000).default(0).describe('0 keeps every token.'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    stream: z.boolean().default(false).describe('Answer with server-sent events, one per token.'),
  })
  .strict()
  .meta({ id: 'GenerateRequest' });
export type GenerateRequest = z.infer<typeof GenerateRequest>;

export const GenerateResponse = z
  .object({
    model: z.string(),
    version: z.string(),
    generated_text: z.string(),
    tokens: z.number().int().nonnegative().describe('Tokens generated.'),
    finish_reason: z.enum(['length', 'stop']),
    timings: z.object({
      timeToFirstTokenMs: z.number().nonnegative(),
      perTokenMs: z.number().nonnegative(),
      totalMs: z.number().nonnegative(),
    }),
  })
  .meta({ id: 'GenerateResponse' });
export type GenerateResponse = z.infer<typeof GenerateResponse>;

export const LoadQuery = z.object({
  duration: z.coerce.number().positive().max(600).default(10).describe('Seconds of busy work, bounded by the server.'),
});
export type LoadQuery = z.infer<typeof LoadQuery>;
