export * from './lib/attributes';
export * from './lib/tensor-data';
export * from './lib/onnx-graph-builder';
export * from './lib/mobilenet-v2';
export * from './lib/resnet-50';
export * from './lib/alexnet';
export * from './lib/tiny-conv';
