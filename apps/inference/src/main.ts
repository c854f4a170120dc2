import { runService } from '@ai/http-server';
import { InferenceEnv } from './config';
import { start } from './server';

void runService({ name: 'inference', env: InferenceEnv, start: (config, logger) => start(config, { logger }) });
