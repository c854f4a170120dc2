import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { V2ServerMetadata } from '@ai/contracts';
import { WORKSPACE_ROOT, type RunningNodeService } from '@ai/local-stack';
import { auditLogLines } from '../support/log-lines';
import { startInferenceProcess } from '../support/stack';

/**
 * KServe / Open Inference Protocol v2 server metadata: GET /v2 answers `{ name, version, extensions }`, with only
 * the extensions the server implements (binary tensor data), as a standard v2 client expects, and the OpenAPI document says so.
 */
describe('KServe v2 GET /v2 on a real inference process', () => {
  let inference: RunningNodeService;
  beforeAll(async () => {
    inference = await startInferenceProcess('digits-cnn');
  });
  afterAll(async () => {
    await inference?.stop();
  });

  it('answers the server metadata per the protocol, validated by the contracts schema and documented', async () => {
    const response = await fetch(`${inference.url}/v2`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const metadata = V2ServerMetadata.parse(await response.json());
    const { version } = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(metadata).toEqual({ name: 'autoscaled-inference', version, extensions: ['binary_tensor_data'] });
    // The trailing-slash form standard clients sometimes send answers the same.
    expect(await (await fetch(`${inference.url}/v2/`)).json()).toEqual(metadata);

    const doc = (await (await fetch(`${inference.url}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }>;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    expect(doc.paths['/v2'].get?.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/V2ServerMetadata' });
    expect(doc.components.schemas.V2ServerMetadata.required).toEqual(['name', 'version', 'extensions']);
    expect(auditLogLines(inference.output()).notJson).toEqual([]);
  });
});
