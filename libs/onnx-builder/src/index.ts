// The public API: what other projects use. Everything else stays inside.
export { buildAlexNetGraph } from './lib/alexnet';
export { attr } from './lib/attributes';
export { buildMobileNetV2Graph } from './lib/mobilenet-v2';
export { OnnxGraphBuilder } from './lib/onnx-graph-builder';
export { buildResNet50Graph } from './lib/resnet-50';
export { float32Tensor, int64Tensor } from './lib/tensor-data';
export { buildTinyConvGraph } from './lib/tiny-conv';
