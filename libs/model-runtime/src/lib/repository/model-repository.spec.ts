import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempRepository, type TempRepository } from '../models.fixture';
import { listModelVersions, resolveModelVersion } from './model-repository';
import { ModelRepositoryError } from '../errors';

describe('model repository', () => {
  let repo: TempRepository;
  beforeAll(() => {
    repo = createTempRepository();
    for (const v of ['1', '2', '10']) repo.addDigitsLikeModel('digits', v);
    mkdirSync(join(repo.root, 'digits', 'notes'));
  });
  afterAll(() => repo.dispose());

  it('lists integer version folders in numeric order, ignoring other folders', () => {
    expect(listModelVersions(repo.root, 'digits')).toEqual(['1', '2', '10']);
  });

  it('resolves latest as the highest integer version, not the last in string order', () => {
    const resolved = resolveModelVersion({ repository: repo.root, name: 'digits' });
    expect(resolved.config.version).toBe('10');
    expect(resolved.dir).toBe(join(repo.root, 'digits', '10'));
    expect(resolved.availableVersions).toEqual(['1', '2', '10']);
  });

  it('resolves an explicit version', () => {
    expect(resolveModelVersion({ repository: repo.root, name: 'digits', version: '2' }).config.version).toBe('2');
  });

  it('resolves a version folder given as a path, ignoring name and version', () => {
    const dir = join(repo.root, 'digits', '1');
    const resolved = resolveModelVersion({ path: dir, name: 'other', version: '7' });
    expect(resolved.dir).toBe(dir);
    expect(resolved.modelFile).toBe(join(dir, 'model.onnx'));
  });

  it('names the path and the available versions when a version is missing', () => {
    expect(() => resolveModelVersion({ repository: repo.root, name: 'digits', version: '3' })).toThrow(
      new RegExp(`version "3" of model "digits" not found in ${join(repo.root, 'digits')} \\(available: 1, 2, 10\\)`),
    );
  });

  it('names the folder when the model does not exist', () => {
    expect(() => resolveModelVersion({ repository: repo.root, name: 'nope' })).toThrow(ModelRepositoryError);
    expect(() => resolveModelVersion({ repository: repo.root, name: 'nope' })).toThrow(join(repo.root, 'nope'));
  });

  it('names the file and the field of an invalid config', () => {
    const dir = repo.addDigitsLikeModel('broken', '1', 1, { task: 'astrology' });
    expect(() => resolveModelVersion({ repository: repo.root, name: 'broken' })).toThrow(`${join(dir, 'config.json')} is not a valid model config: task`);
  });

  it('refuses config.json that is not JSON, and a missing model file', () => {
    const bad = join(repo.root, 'garbled', '1');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'config.json'), '{ nope');
    expect(() => resolveModelVersion({ path: bad })).toThrow(/is not valid JSON/);
    const noFile = repo.addDigitsLikeModel('nofile', '1', 1, { file: 'missing.onnx' });
    expect(() => resolveModelVersion({ path: noFile })).toThrow(`model file ${join(noFile, 'missing.onnx')} not found`);
  });
});
