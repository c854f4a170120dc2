const { cos, PI, max } = Math;

/** A learning rate for each optimizer step, counted from 1. */
export type LearningRateSchedule = (step: number) => number;

/** `base`, multiplied by `decay` after every `stepsPerEpoch` steps (step decay per epoch). */
export function stepDecay(base: number, decay: number, stepsPerEpoch: number): LearningRateSchedule {
  return (step) => base * decay ** Math.floor((step - 1) / stepsPerEpoch);
}

/** Linear warm-up over `warmupSteps`, then a cosine decay to 10% of `base` at `totalSteps`. */
export function warmupCosine(base: number, warmupSteps: number, totalSteps: number): LearningRateSchedule {
  return (step) => {
    if (step <= warmupSteps) return (base * step) / warmupSteps;
    const progress = (step - warmupSteps) / max(1, totalSteps - warmupSteps);
    return base * (0.1 + 0.9 * 0.5 * (1 + cos(PI * progress)));
  };
}
