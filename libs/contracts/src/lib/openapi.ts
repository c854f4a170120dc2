import { z } from 'zod';

/** One documented HTTP route. Schemas with a `.meta({ id })` become `$ref`s into `components.schemas`. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path, with `{param}` placeholders. */
  path: string;
  summary: string;
  tags?: string[];
  request?: z.ZodType;
  query?: z.ZodObject;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const componentUri = (id: string) => `#/components/schemas/${id}`;

function schemaRef(schema: z.ZodType, io: 'input' | 'output'): unknown {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: componentUri(id) };
  // Registered schemas reached from an inline one land in its local `definitions`; they already live in
  // `components.schemas`, so point the references there and drop the copies.
  const { definitions: _copies, ...inline } = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any', cycles: 'ref' }) as Record<
    string,
    unknown
  >;
  return JSON.parse(JSON.stringify(inline).replaceAll('"#/definitions/', '"#/components/schemas/'));
}

function queryParameters(query: z.ZodObject): unknown[] {
  return Object.entries(query.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: !(field as z.ZodType).safeParse(undefined).success,
    schema: z.toJSONSchema(field as z.ZodType, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }),
  }));
}

/**
 * Builds an OpenAPI 3.0 document from the routes an app mounts and the shared zod schemas, so the served
 * `/docs` can never drift from what the code validates.
 */
export function buildOpenApiDocument(info: OpenApiInfo, routes: RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema && {
          content: { [response.contentType ?? 'application/json']: { schema: schemaRef(response.schema, 'output') } },
        }),
      };
    }
    paths[route.path] ??= {};
    paths[route.path][route.method] = {
      summary: route.summary,
      tags: route.tags,
      ...(route.query && { parameters: queryParameters(route.query) }),
      ...(route.request && {
        requestBody: { required: true, content: { 'application/json': { schema: schemaRef(route.request, 'input') } } },
      }),
      responses,
    };
  }
  const components = z.toJSONSchema(z.globalRegistry, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
    uri: componentUri,
    cycles: 'ref',
  }) as { schemas: Record<string, unknown> };
  return { openapi: '3.0.3', info, paths, components: { schemas: components.schemas } };
}
