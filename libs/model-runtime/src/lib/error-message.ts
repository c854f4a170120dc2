/** The first line of an error's message: native libraries (onnxruntime, libvips) append multi-line details. */
export function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
