/** A trainable tensor: row-major values, an accumulated gradient of the same size, and its dims. */
export class Parameter {
  readonly grad: Float32Array;

  constructor(
    readonly name: string,
    readonly dims: number[],
    readonly value: Float32Array,
  ) {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (value.length !== expected) throw new Error(`${name}: ${value.length} values for dims [${dims.join(', ')}]`);
    this.grad = new Float32Array(value.length);
  }

  /** Weights (two or more dims) get weight decay; biases and other vectors do not. */
  get isWeight(): boolean {
    return this.dims.length > 1;
  }
}
