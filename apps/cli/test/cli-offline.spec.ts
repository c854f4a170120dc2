import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@ai/local-stack';
import { buildTinyConvGraph } from '@ai/onnx-builder';
import { cli } from './cli-process';

describe('the CLI without services', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("validate-workload tells a good file's length and requests, and a bad one's line and column with exit status 1", async () => {
    writeFileSync(join(dir, 'good.txt'), '# ramp\n1, 2\n3\n');
    writeFileSync(join(dir, 'bad.txt'), '1\n2, -4\n');
    const good = await cli(['validate-workload', join(dir, 'good.txt')]);
    expect(good).toMatchObject({ code: 0, stdout: `${join(dir, 'good.txt')}: valid, 3 s, 6 requests, peak 3/s\n` });
    const bad = await cli(['validate-workload', join(dir, 'bad.txt')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^error: ${join(dir, 'bad.txt')}:2:4: `));
    const json = await cli(['--json', 'validate-workload', join(dir, 'bad.txt')]);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, line: 2, column: 4 });
    expect((await cli(['validate-workload', join(dir, 'missing.txt')])).code).toBe(2);
  });

  it('models lists versions with their tasks, which fields were auto-completed, and what cannot be served', async () => {
    const repository = join(dir, 'models');
    const add = (name: string, files: Record<string, string | Uint8Array>) => {
      mkdirSync(join(repository, name, '1'), { recursive: true });
      for (const [file, content] of Object.entries(files)) writeFileSync(join(repository, name, '1', file), content);
    };
    add('dropped-in', { 'model.onnx': buildTinyConvGraph({ seed: 1 }).serialize(), 'labels.txt': 'a\nb\n' });
    add('broken', { 'model.onnx': 'not onnx' });
    mkdirSync(join(repository, 'notes'));
    const text = await cli(['models', '--repository', repository]);
    expect(text.code).toBe(1);
    const rows = text.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^MODEL\s+VERSION\s+TASK\s+CONFIG\s+PROBLEMS$/);
    expect(rows[1]).toMatch(/^broken\s+1\s+-\s+INVALID\s+.*cannot be read as an ONNX model/);
    expect(rows[2]).toMatch(/^dropped-in\s+1\s+image-classification\s+auto-completed: .*labels.*labels\.txt has 2 labels but output "logits" has 10 classes$/);
    expect(rows).toHaveLength(3);
    expect(text.stderr).toBe('error: some model versions cannot be served (see PROBLEMS)\n');

    const json = JSON.parse((await cli(['models', '--json'], { MODEL_REPOSITORY: repository })).stdout);
    expect(json.models.map((m: { name: string }) => m.name)).toEqual(['broken', 'dropped-in']);
    expect(json.models[1].versions[0]).toMatchObject({
      version: '1',
      task: 'image-classification',
      autoCompleted: expect.arrayContaining(['inputs', 'labels']),
    });
  });

  it('says which service it cannot reach, with exit status 3, and refuses a bad command line with 2', async () => {
    const port = await freePort();
    const down = await cli(['job', 'digits-cnn:1', '--dispatcher', `http://127.0.0.1:${port}`]);
    expect(down).toMatchObject({ code: 3, stderr: `error: cannot reach the dispatcher at http://127.0.0.1:${port}: ECONNREFUSED\n` });
    const unknown = await cli(['infer', '--bogus', 'x.png']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    expect((await cli(['infer', join(dir, 'nope.png')])).stderr).toBe(`error: ${join(dir, 'nope.png')}: no such file\n`);
  });
});
