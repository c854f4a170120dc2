import { firstProblem, ModelConfig, TensorDataType, type ModelTask, type TensorSpec } from '@ai/contracts';
import { ModelRepositoryError } from '../errors';
import type { ModelSignature, SignatureTensor } from './model-signature';

/** What a version folder offers towards its config: config.json (possibly partial), the model's own signature, labels.txt. */
export interface ConfigSources {
  /** The version folder, named in errors. */
  dir: string;
  /** The folder names: `<name>/<version>/`. */
  name: string;
  version: string;
  /** config.json as written (any subset of the fields), or {} when there is none. */
  declared: Record<string, unknown>;
  /** The model's inputs and outputs; needed unless config.json declares both. */
  signature?: ModelSignature;
  /** labels.txt, one label per line, when present. */
  labels?: string[];
}

export interface CompletedConfig {
  config: ModelConfig;
  /** The fields config.json did not give, filled in here. */
  autoCompleted: string[];
  warnings: string[];
}

/** torchvision's (and most model zoos') ImageNet normalisation. */
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];
/** A free height or width is taken to be ImageNet's, as for the classifiers in the model zoos. */
const DEFAULT_IMAGE_SIDE = 224;

function invalid(sources: ConfigSources, message: string): ModelRepositoryError {
  return new ModelRepositoryError(`${sources.dir}: ${message}`, sources.dir, 'invalid_config');
}

function tensorSpec(sources: ConfigSources, tensor: SignatureTensor): TensorSpec {
  const dtype = TensorDataType.safeParse(tensor.type);
  if (!dtype.success) {
    throw invalid(sources, `"${tensor.name}" holds ${tensor.type}, which is not served (${TensorDataType.options.join(', ')})`);
  }
  if (tensor.shape.length === 0) throw invalid(sources, `the model does not declare the shape of "${tensor.name}"; declare it in config.json`);
  return { name: tensor.name, dtype: dtype.data, shape: tensor.shape };
}

function describe(specs: TensorSpec[]): string {
  return specs.map((s) => `${s.name} ${s.dtype}[${s.shape.join(',')}]`).join(', ');
}

/** The channel position of a 4-D image input: NCHW when dimension 1 is 1 or 3, else NHWC when dimension 3 is. */
function imageLayout(shape: number[]): 'NCHW' | 'NHWC' | undefined {
  if (shape.length !== 4) return undefined;
  if (shape[1] === 1 || shape[1] === 3) return 'NCHW';
  if (shape[3] === 1 || shape[3] === 3) return 'NHWC';
  return undefined;
}

/** The task a model's shapes imply, the way a person reading them would guess it. */
function inferTask(inputs: TensorSpec[], outputs: TensorSpec[]): ModelTask | undefined {
  if (inputs.length !== 1) return undefined;
  const [input] = inputs;
  const rank = outputs[0].shape.length;
  if (input.dtype === 'float32' && imageLayout(input.shape) && rank === 2) return 'image-classification';
  if ((input.dtype === 'int64' || input.dtype === 'int32') && input.shape.length === 2 && rank === 3) return 'text-generation';
  if (input.dtype === 'float32' && input.shape.length === 2 && rank === 2) return 'tabular-classification';
  return undefined;
}

/** Preprocessing read off the input shape; config.json's `preprocessing` overrides any field it names. */
function imagePreprocessing(input: TensorSpec, declared: Record<string, unknown>): Record<string, unknown> {
  const layout = (declared.layout as 'NCHW' | 'NHWC' | undefined) ?? imageLayout(input.shape) ?? 'NCHW';
  const [c, h, w] = layout === 'NCHW' ? [input.shape[1], input.shape[2], input.shape[3]] : [input.shape[3], input.shape[1], input.shape[2]];
  const channels = (declared.channels as number | undefined) ?? (c === 1 ? 1 : 3);
  return {
    width: w > 0 ? w : DEFAULT_IMAGE_SIDE,
    height: h > 0 ? h : DEFAULT_IMAGE_SIDE,
    channels,
    layout,
    scale: 255,
    mean: channels === 3 ? IMAGENET_MEAN : [0],
    std: channels === 3 ? IMAGENET_STD : [1],
    ...declared,
  };
}

/**
 * Completes a model's config the way Triton's auto-complete does: what config.json names wins, and what it leaves
 * out comes from the model (inputs, outputs, dtypes, dynamic axes), labels.txt, and what the shapes imply (the task;
 * for a 4-D float image input its size, layout and ImageNet normalisation for 3 channels; the largest batch when the
 * batch dimension is fixed). Throws a ModelRepositoryError naming the folder when something cannot be told.
 */
export function completeModelConfig(sources: ConfigSources): CompletedConfig {
  const { declared, signature } = sources;
  const autoCompleted: string[] = [];
  const warnings: string[] = [];
  const fill = (field: string, value: () => unknown): unknown => {
    if (declared[field] !== undefined) return declared[field];
    autoCompleted.push(field);
    return value();
  };
  const fromModel = (field: 'inputs' | 'outputs'): TensorSpec[] => {
    if (!signature) throw invalid(sources, `config.json does not declare ${field} and the model was not read`);
    return signature[field].map((tensor) => tensorSpec(sources, tensor));
  };

  const name = fill('name', () => sources.name);
  const version = fill('version', () => sources.version);
  const inputs = fill('inputs', () => fromModel('inputs')) as TensorSpec[];
  const outputs = fill('outputs', () => fromModel('outputs')) as TensorSpec[];
  if (!Array.isArray(inputs) || !Array.isArray(outputs) || inputs.length === 0 || outputs.length === 0) {
    throw invalid(sources, 'the model needs at least one input and one output');
  }
  const task = fill('task', () => {
    const inferred = inferTask(inputs, outputs);
    if (!inferred) {
      throw invalid(sources, `cannot tell the task from inputs ${describe(inputs)} and outputs ${describe(outputs)}; set "task" in config.json`);
    }
    return inferred;
  }) as ModelTask;
  const completed: Record<string, unknown> = { ...declared, name, version, task, inputs, outputs };
  if (declared.labels === undefined && sources.labels) {
    completed.labels = sources.labels;
    autoCompleted.push('labels');
  }
  if (task === 'image-classification') {
    const declaredPreprocessing = (declared.preprocessing ?? {}) as Record<string, unknown>;
    completed.preprocessing = imagePreprocessing(inputs[0], declaredPreprocessing);
    if (declared.preprocessing === undefined) autoCompleted.push('preprocessing');
  }
  if (task !== 'text-generation') {
    // A probability output is usually named for it; anything else is taken for logits, and softmax is applied.
    completed.outputKind = fill('outputKind', () => (/prob|softmax/i.test(outputs[0].name) ? 'probabilities' : 'logits'));
  }
  const batch = inputs[0].shape[0];
  if (declared.maxBatchSize === undefined && batch > 0) {
    completed.maxBatchSize = batch;
    autoCompleted.push('maxBatchSize');
  }
  if (task === 'text-generation' && declared.tokenizer === undefined) {
    throw invalid(sources, 'a text-generation model needs "tokenizer" in config.json (its type and vocabulary file)');
  }

  const parsed = ModelConfig.safeParse(completed);
  if (!parsed.success) throw invalid(sources, `the completed config is not valid: ${firstProblem(parsed.error, 'config').message}`);
  const classes = outputs[0].shape[outputs[0].shape.length - 1];
  if (parsed.data.labels.length > 0 && classes > 0 && parsed.data.labels.length !== classes && task !== 'text-generation') {
    const from = declared.labels !== undefined ? 'config.json' : 'labels.txt';
    warnings.push(`${from} has ${parsed.data.labels.length} labels but output "${outputs[0].name}" has ${classes} classes`);
  }
  return { config: parsed.data, autoCompleted, warnings };
}
