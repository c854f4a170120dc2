import type { Express } from 'express';
import type { RouteDoc } from '@ai/contracts';
import type { LoadedModel } from '@ai/model-runtime';

/** A group of routes: documented, mounted before the model loads, prepared (and checked) once it has loaded. */
export interface RouteModule {
  docs: RouteDoc[];
  mount(app: Express): void;
  /** Builds what the routes need from the loaded model; throwing here fails start-up. */
  onLoaded?(model: LoadedModel): void;
}
