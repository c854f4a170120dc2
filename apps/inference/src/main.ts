// First: sizes libuv's thread pool before anything uses it.
import './thread-pool-size';
import { runService } from '@ai/http-server';
import { InferenceEnv, unknownInferenceEnv } from './config';
import { start } from './server';

void runService({ name: 'inference', env: InferenceEnv, unknownEnv: unknownInferenceEnv, start: (config, logger) => start(config, { logger }) });
