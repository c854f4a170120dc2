import { SeededRandom } from '@ai/seeded-random';
import { DIGIT_CLASSES, DIGIT_SIZE } from '../data/mnist-digits';
import { Conv2d } from '../nn/conv2d';
import { Dense } from '../nn/dense';
import { MaxPool2 } from '../nn/max-pool';
import { Relu } from '../nn/relu';
import { Sequential } from '../nn/sequential';

/** Hyperparameters of a digits CNN: conv(3×3, c1) → ReLU → pool → conv(3×3, c2) → ReLU → pool → dense(hidden) → ReLU → dense(10). */
export interface CnnShape {
  conv1: number;
  conv2: number;
  hidden: number;
}

export function buildDigitsCnn(shape: CnnShape, seed: number): Sequential {
  const rng = new SeededRandom(seed);
  const conv1 = new Conv2d({ name: 'conv1', inChannels: 1, outChannels: shape.conv1, height: DIGIT_SIZE, width: DIGIT_SIZE }, rng);
  const pool1 = new MaxPool2(shape.conv1, conv1.outHeight, conv1.outWidth);
  const conv2 = new Conv2d({ name: 'conv2', inChannels: shape.conv1, outChannels: shape.conv2, height: pool1.outHeight, width: pool1.outWidth }, rng);
  const pool2 = new MaxPool2(shape.conv2, conv2.outHeight, conv2.outWidth);
  const fc1 = new Dense(pool2.outputSize, shape.hidden, 'fc1', rng);
  const fc2 = new Dense(shape.hidden, DIGIT_CLASSES, 'fc2', rng);
  return new Sequential([conv1, new Relu(conv1.outputSize), pool1, conv2, new Relu(conv2.outputSize), pool2, fc1, new Relu(shape.hidden), fc2]);
}

/** A one-hidden-layer perceptron over a flat feature vector. */
export function buildDigitsMlp(features: number, hidden: number, seed: number): Sequential {
  const rng = new SeededRandom(seed);
  return new Sequential([new Dense(features, hidden, 'fc1', rng), new Relu(hidden), new Dense(hidden, DIGIT_CLASSES, 'fc2', rng)]);
}
