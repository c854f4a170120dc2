import { onnx } from 'onnx-proto';

/**
 * A node attribute with its ONNX type made explicit: `1` may be an INT (`group`) or a FLOAT (`alpha`), and
 * onnxruntime rejects the wrong one, so the type cannot be guessed from the value.
 */
export type AttributeValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'string'; value: string };

/** Attribute constructors: `attr.ints([3, 3])`, `attr.float(1e-5)`. */
export const attr = {
  int: (value: number): AttributeValue => ({ type: 'int', value }),
  float: (value: number): AttributeValue => ({ type: 'float', value }),
  ints: (value: readonly number[]): AttributeValue => ({ type: 'ints', value }),
  floats: (value: readonly number[]): AttributeValue => ({ type: 'floats', value }),
  string: (value: string): AttributeValue => ({ type: 'string', value }),
};

export type Attributes = Record<string, AttributeValue | undefined>;

const T = onnx.AttributeProto.AttributeType;

export function toAttributeProtos(attributes: Attributes): onnx.IAttributeProto[] {
  const protos: onnx.IAttributeProto[] = [];
  for (const [name, a] of Object.entries(attributes)) {
    if (a === undefined) continue;
    switch (a.type) {
      case 'int':
        protos.push({ name, type: T.INT, i: a.value });
        break;
      case 'float':
        protos.push({ name, type: T.FLOAT, f: a.value });
        break;
      case 'ints':
        protos.push({ name, type: T.INTS, ints: [...a.value] });
        break;
      case 'floats':
        protos.push({ name, type: T.FLOATS, floats: [...a.value] });
        break;
      case 'string':
        protos.push({ name, type: T.STRING, s: new TextEncoder().encode(a.value) });
        break;
    }
  }
  return protos;
}
