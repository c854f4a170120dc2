import { createTempRepository, type TempRepository } from '../models.fixture';
import { createInferenceSession } from './session-factory';
import { SessionLoadError } from '../errors';

// This machine has no CUDA libraries, which is exactly the case the fallback exists for.
describe('session factory', () => {
  let repo: TempRepository;
  let modelFile: string;
  beforeAll(() => {
    repo = createTempRepository();
    modelFile = `${repo.addDigitsLikeModel('tiny', '1')}/model.onnx`;
  });
  afterAll(() => repo.dispose());

  it('with auto, falls back to CPU when CUDA cannot load and says why', async () => {
    const reasons: string[] = [];
    const loaded = await createInferenceSession({ modelFile, providers: 'auto', intraOpThreads: 1, onFallback: (r) => reasons.push(r) });
    try {
      expect(loaded.provider).toBe('cpu');
      expect(loaded.fallbackReason).toMatch(/CUDA execution provider unavailable/);
      expect(reasons).toEqual([loaded.fallbackReason]);
      expect(loaded.session.inputNames).toEqual(['input']);
    } finally {
      await loaded.session.release();
    }
  });

  it('with cuda forced, fails with an error naming the file and the provider', async () => {
    await expect(createInferenceSession({ modelFile, providers: 'cuda' })).rejects.toThrow(SessionLoadError);
    await expect(createInferenceSession({ modelFile, providers: 'cuda' })).rejects.toThrow(`cannot open ${modelFile} on execution provider cuda`);
  });

  it('with cpu, opens on CPU without trying CUDA', async () => {
    const loaded = await createInferenceSession({ modelFile, providers: 'cpu' });
    expect(loaded.provider).toBe('cpu');
    expect(loaded.fallbackReason).toBeUndefined();
    await loaded.session.release();
  });

  it('a file that is not a model fails with the path in the message', async () => {
    await expect(createInferenceSession({ modelFile: `${repo.root}/tiny/1/config.json`, providers: 'cpu' })).rejects.toThrow(
      /cannot open .*config\.json on execution provider cpu/,
    );
  });
});
