import type { RouteModule } from '@ai/http-server';
import type { LoadedModel } from '@ai/model-runtime';

/** The inference service's route modules are mounted before the model loads and prepared (and checked) once it has. */
export interface ModelRouteModule extends RouteModule {
  /** Builds what the routes need from the loaded model; throwing here fails start-up. */
  onLoaded?(model: LoadedModel): void;
}
