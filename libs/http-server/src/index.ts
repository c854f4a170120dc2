// The public API: what other projects use. Everything else stays inside.
export { AppError } from './lib/app-error';
export { createHttpApp } from './lib/create-app';
export { exitWhenFlushed } from './lib/exit-when-flushed';
export { listen } from './lib/http-server';
export { type RouteModule } from './lib/route-module';
export { runService } from './lib/run-service';
export { EXIT_INVALID_CONFIG, InvalidEnvironment, envBoolean, envTable, parseEnv, serviceEnv, withEnvTable } from './lib/service-env';
export { type UnknownEnvVariable, unknownEnvVariables } from './lib/unknown-env';
export { parseOrThrow } from './lib/validate';
