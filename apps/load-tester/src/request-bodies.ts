/**
 * What requests carry: images (ImageSet) or prompts (PromptSet). Either builds, per payload, the fixed JSON
 * head of an /enqueue body ending in `"clientRef":"`; a request appends its reference and `"}`.
 */
export interface RequestBodies {
  readonly size: number;
  bodyPrefixes(model: string, callbackUrl?: string): Buffer[];
}
