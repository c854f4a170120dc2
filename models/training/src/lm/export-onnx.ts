import { attr, float32Tensor, int64Tensor, OnnxGraphBuilder } from '@ai/onnx-builder';
import { transpose } from './dense-kernels';
import { DilatedConvLm } from './dilated-conv-lm';

/** ONNX opset the graph is written for (every operator used exists unchanged since opset 13). */
export const LM_OPSET = 13;

/**
 * The model as an ONNX graph with the GPT-2 export's interface: `input_ids` int64 [batch, seq] in,
 * `logits` float32 [batch, seq, vocab] out. Each block's shifted input h(t − d) is Pad (d zeros in front
 * along the sequence axis) followed by Slice (drop the last d positions), which keeps the graph causal and
 * the sequence length dynamic. Linear layers are MatMul with the weight stored transposed to [in, out].
 */
export function exportLmToOnnx(model: DilatedConvLm, docString: string): Uint8Array {
  const { channels: c, hidden: h, vocabSize: v } = model.options;
  const g = new OnnxGraphBuilder({ name: 'tiny-lm', opsetVersion: LM_OPSET, docString });
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const linear = (x: string, w: Float32Array, b: Float32Array, out: number, inn: number, name: string) => {
    const weight = g.initializer(`${name}.weight`, float32Tensor(transpose(w, out, inn), [inn, out]));
    const bias = g.initializer(`${name}.bias`, float32Tensor(b, [out]));
    return g.add(g.matMul(x, weight), bias);
  };
  let stream = g.gather(float32Tensor(model.embedding.value, [v, c]), ids);
  const zero = g.initializer('zero', float32Tensor([0], []));
  const sliceStart = g.initializer('slice.start', int64Tensor([0]));
  const sliceAxis = g.initializer('slice.axis', int64Tensor([1]));
  model.blocks.forEach((block, i) => {
    const d = block.dilation;
    const pads = g.initializer(`block${i}.pads`, int64Tensor([0, d, 0, 0, 0, 0]));
    const padded = g.node('Pad', [stream, pads, zero], { mode: attr.string('constant') })[0];
    const end = g.initializer(`block${i}.slice_end`, int64Tensor([-d]));
    const shifted = g.node('Slice', [padded, sliceStart, end, sliceAxis])[0];
    const pair = g.node('Concat', [shifted, stream], { axis: attr.int(2) })[0];
    const hidden = g.relu(linear(pair, block.w1.value, block.b1.value, h, 2 * c, `block${i}.fc1`));
    stream = g.add(stream, linear(hidden, block.w2.value, block.b2.value, c, h, `block${i}.fc2`));
  });
  const logits = linear(stream, model.outWeight.value, model.outBias.value, v, c, 'out');
  g.output(logits, 'logits', 'float32', ['batch', 'sequence', v]);
  return g.serialize();
}
