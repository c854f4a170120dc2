import { Adam } from './adam';
import { LearningRateSchedule } from './learning-rate';

/** What one training loop needs: where batches come from, how a batch becomes gradients, and the optimizer. */
export interface FitOptions<Batch> {
  /** The batches in training order; the loop runs one optimizer step per batch. */
  batches: Iterable<Batch>;
  /** Forward and backward pass on one batch: fills the parameters' gradients and returns the batch's loss. */
  lossAndGradients: (batch: Batch) => number;
  optimizer: Adam;
  learningRate: LearningRateSchedule;
  /** Called after each step, e.g. to report progress. */
  onStep?: (step: number, loss: number, lr: number, batch: Batch) => void;
}

/**
 * The training loop both trainers share: for each batch, gradients, then one optimizer step at the
 * schedule's learning rate. Returns the number of steps taken.
 */
export function fit<Batch>(options: FitOptions<Batch>): number {
  let step = 0;
  for (const batch of options.batches) {
    step++;
    const loss = options.lossAndGradients(batch);
    const lr = options.learningRate(step);
    options.optimizer.step(lr);
    options.onStep?.(step, loss, lr, batch);
  }
  return step;
}
