import { ErrorBody, PredictRequest, PredictResponse } from '@ai/contracts';
import { AppError, parseOrThrow } from '@ai/http-server';
import { createTabularClassifier, type TabularClassifier } from '@ai/model-runtime';
import type { InferenceContext } from '../inference-context';
import type { ModelRouteModule } from './route-module';

/** `POST /predict`: a flat feature vector → best label and top 3. */
export function predictRoutes(ctx: InferenceContext): ModelRouteModule {
  let classifier: TabularClassifier | undefined;
  return {
    docs: [
      {
        method: 'post',
        path: '/predict',
        summary: 'Classify a flat feature vector',
        tags: ['inference'],
        request: PredictRequest,
        responses: {
          200: { description: 'best label and top 3', schema: PredictResponse },
          400: { description: 'wrong feature count or non-numeric features', schema: ErrorBody },
          503: { description: 'model loading', schema: ErrorBody },
        },
      },
    ],
    onLoaded(model) {
      classifier = createTabularClassifier(model);
    },
    mount(app) {
      app.post('/predict', ctx.instrument(), async (req, res) => {
        const body = parseOrThrow(PredictRequest, req.body);
        const model = ctx.model();
        if (!classifier) throw AppError.unavailable('model is still loading', 1);
        ctx.artificialWork();
        const result = await classifier.predict(body.features);
        ctx.metrics.queue.observe(result.timings.queueMs / 1000);
        const response: PredictResponse = { model: model.config.name, version: model.config.version, ...result };
        res.json(response);
      });
    },
  };
}
