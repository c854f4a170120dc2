export * from './lib/app-error';
export * from './lib/validate';
export * from './lib/request-context';
export * from './lib/error-handler';
export * from './lib/create-app';
export * from './lib/http-server';
export * from './lib/express-server';
export * from './lib/shutdown';
