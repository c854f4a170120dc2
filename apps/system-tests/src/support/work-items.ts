import { sampleImages } from './sample-inputs';

/** The enqueue item every fault test sends: a real sample image for digits-cnn. */
export async function digitItem(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const [image] = await sampleImages(1);
  return { model: 'digits-cnn', image: image.bytes.toString('base64'), ...extra };
}
