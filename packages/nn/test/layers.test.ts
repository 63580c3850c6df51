import { noGrad, randn, type Tensor, tensor } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  ELU,
  Embedding,
  Flatten,
  GELU,
  init,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool2d,
  type Module,
  ReLU,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
} from '../src/index.js';
import { expectCloseToGolden, fromGolden, type GoldenTensor, loadGolden } from './golden.js';

type Args = Record<string, unknown>;
interface LayerCase {
  name: string;
  kind: string;
  args: Args;
  params: Record<string, GoldenTensor>;
  input: GoldenTensor;
  upstream: GoldenTensor;
  output: GoldenTensor;
  gradInput?: GoldenTensor;
  gradParams: Record<string, GoldenTensor>;
}
interface BatchNormCase {
  name: string;
  kind: 'BatchNorm1d' | 'BatchNorm2d';
  args: Args;
  params: Record<string, GoldenTensor>;
  inputs: GoldenTensor[];
  outputs: GoldenTensor[];
  runningMean: GoldenTensor[];
  runningVar: GoldenTensor[];
  numBatchesTracked: number[];
  upstream: GoldenTensor;
  gradInput: GoldenTensor;
  gradWeight?: GoldenTensor;
  gradBias?: GoldenTensor;
  evalInput: GoldenTensor;
  evalOutput: GoldenTensor;
}
interface Golden {
  layers: LayerCase[];
  batchNorm: BatchNormCase[];
  init: { gains: Array<[init.Nonlinearity, number | null, number]>; fans: Array<[number[], number, number]> };
}

// Both sides run in float64; results differ only by summation order (im2col/gemm vs PyTorch's
// kernels), so ~1e-13 relative agreement is expected and 1e-10 is a comfortable bound.
const RTOL = 1e-10;
const ATOL = 1e-10;
const dtype = 'float64';

function build(kind: string, a: Args): Module & { forward(x: Tensor): Tensor } {
  const n = (k: string) => a[k] as number;
  switch (kind) {
    case 'Linear':
      return new Linear(n('in'), n('out'), { bias: (a.bias as boolean) ?? true, dtype });
    case 'Conv2d':
      return new Conv2d(n('in'), n('out'), a.k as number, {
        stride: (a.stride as number) ?? 1,
        padding: (a.padding as number) ?? 0,
        dilation: (a.dilation as number) ?? 1,
        groups: (a.groups as number) ?? 1,
        bias: (a.bias as boolean) ?? true,
        dtype,
      });
    case 'MaxPool2d':
      return new MaxPool2d(n('k'), {
        stride: a.stride as number | undefined,
        padding: a.padding as number | undefined,
      });
    case 'AvgPool2d':
      return new AvgPool2d(n('k'), {
        stride: a.stride as number | undefined,
        padding: a.padding as number | undefined,
      });
    case 'AdaptiveAvgPool2d':
      return new AdaptiveAvgPool2d(a.out as number);
    case 'Flatten':
      return new Flatten();
    case 'Embedding':
      return new Embedding(n('num'), n('dim'), { paddingIdx: (a.paddingIdx as number) ?? null, dtype });
    case 'ReLU':
      return new ReLU();
    case 'LeakyReLU':
      return new LeakyReLU(n('slope'));
    case 'ELU':
      return new ELU(n('alpha'));
    case 'GELU':
      return new GELU((a.approximate as 'tanh') ?? 'none');
    case 'SiLU':
      return new SiLU();
    case 'Sigmoid':
      return new Sigmoid();
    case 'Tanh':
      return new Tanh();
    case 'Softplus':
      return new Softplus(n('beta'), n('threshold'));
    case 'Softmax':
      return new Softmax(n('dim'));
    case 'LogSoftmax':
      return new LogSoftmax(n('dim'));
    case 'LayerNorm':
      return new LayerNorm(a.shape as number[], {
        eps: n('eps'),
        elementwiseAffine: a.affine as boolean,
        dtype,
      });
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

const golden = loadGolden<Golden>('layers');

describe('layers match PyTorch 1.13 (output, input gradient, parameter gradients)', () => {
  for (const c of golden.layers) {
    it(`${c.name} matches PyTorch`, () => {
      const m = build(c.kind, c.args);
      const params = new Map(Object.entries(c.params).map(([k, g]) => [k, fromGolden(g)]));
      m.loadStateDict(params);
      const isIndex = c.gradInput === undefined;
      const x = fromGolden(c.input);
      if (!isIndex) x.requiresGrad = true;
      const y = m.forward(x);
      expectCloseToGolden(y, c.output, RTOL, ATOL, 'output');
      y.backward(fromGolden(c.upstream));
      if (c.gradInput) expectCloseToGolden(x.grad!, c.gradInput, RTOL, ATOL, 'grad input');
      for (const [name, p] of m.namedParameters()) {
        expectCloseToGolden(p.grad!, c.gradParams[name]!, RTOL, ATOL, `grad ${name}`);
      }
    });
  }
});

describe('BatchNorm matches PyTorch over several training steps, then in eval', () => {
  for (const c of golden.batchNorm) {
    it(`${c.name}: outputs, running statistics, numBatchesTracked, gradients and eval output match PyTorch`, () => {
      const Cls = c.kind === 'BatchNorm1d' ? BatchNorm1d : BatchNorm2d;
      const a = c.args;
      const m = new Cls(a.c as number, {
        eps: (a.eps as number) ?? 1e-5,
        momentum: a.momentum === undefined ? 0.1 : (a.momentum as number | null),
        affine: (a.affine as boolean) ?? true,
        trackRunningStats: (a.trackRunningStats as boolean) ?? true,
        dtype,
      });
      if (m.affine)
        m.loadStateDict(
          new Map([
            ...Object.entries(c.params).map(([k, g]) => [k, fromGolden(g)] as const),
            ...m.namedBuffers(),
          ]),
        );
      m.train();
      c.inputs.forEach((input, step) => {
        const x = fromGolden(input);
        x.requiresGrad = true;
        const y = m.forward(x);
        expectCloseToGolden(y, c.outputs[step]!, RTOL, ATOL, `output step ${step}`);
        if (step === 0) {
          y.backward(fromGolden(c.upstream));
          expectCloseToGolden(x.grad!, c.gradInput, RTOL, ATOL, 'grad input');
          if (c.gradWeight) expectCloseToGolden(m.weight!.grad!, c.gradWeight, RTOL, ATOL, 'grad weight');
          if (c.gradBias) expectCloseToGolden(m.bias!.grad!, c.gradBias, RTOL, ATOL, 'grad bias');
        }
        if (m.trackRunningStats) {
          expectCloseToGolden(m.runningMean!, c.runningMean[step]!, RTOL, ATOL, `runningMean step ${step}`);
          expectCloseToGolden(m.runningVar!, c.runningVar[step]!, RTOL, ATOL, `runningVar step ${step}`);
          expect(m.numBatchesTracked!.item()).toBe(c.numBatchesTracked[step]);
        }
      });
      m.eval();
      expectCloseToGolden(m.forward(fromGolden(c.evalInput)), c.evalOutput, RTOL, ATOL, 'eval output');
      // Under noGrad the fused evaluation kernel runs instead of the composite of tensor ops.
      const evalNoGrad = noGrad(() => m.forward(fromGolden(c.evalInput)));
      expectCloseToGolden(evalNoGrad, c.evalOutput, RTOL, ATOL, 'eval output (noGrad)');
    });
  }
});

describe('init matches PyTorch', () => {
  it('calculateGain matches torch.nn.init.calculate_gain', () => {
    for (const [name, param, gain] of golden.init.gains) {
      expect(init.calculateGain(name, param ?? undefined)).toBeCloseTo(gain, 14);
    }
  });
  it('computeFans matches torch.nn.init._calculate_fan_in_and_fan_out (conv weights included)', () => {
    for (const [shape, fanIn, fanOut] of golden.init.fans)
      expect(init.computeFans(shape)).toEqual({ fanIn, fanOut });
  });
  it('computeFans rejects a vector', () => {
    expect(() => init.computeFans([3])).toThrow(/computeFans: .*at least 2 dims.*\[3\]/);
  });
});

describe('image layers on one unbatched image [c, h, w], and Conv2d padding modes', () => {
  it('Conv2d, MaxPool2d, AvgPool2d and AdaptiveAvgPool2d give the batch-of-one result without its batch dim', () => {
    const x = randn([3, 9, 8]);
    const batch = x.unsqueeze(0);
    for (const layer of [
      new Conv2d(3, 4, 3, { padding: 1 }),
      new Conv2d(3, 4, [4, 2], { padding: 'same' }),
      new MaxPool2d(2),
      new AvgPool2d(3, { stride: 2, padding: 1 }),
      new AdaptiveAvgPool2d([2, 3]),
    ] as Module[]) {
      const y = layer.forward(x);
      const expected = layer.forward(batch);
      expect(y.shape).toEqual(expected.shape.slice(1));
      expect(Array.from(y.data)).toEqual(Array.from(expected.data));
    }
  });
  it("padding 'same' keeps h and w ('valid' is 0); 'same' with a stride is refused at construction", () => {
    const x = randn([2, 3, 7, 6]);
    expect(new Conv2d(3, 4, [4, 3], { padding: 'same', dilation: [1, 2] }).forward(x).shape).toEqual([
      2, 4, 7, 6,
    ]);
    expect(new Conv2d(3, 4, 3, { padding: 'valid' }).forward(x).shape).toEqual([2, 4, 5, 4]);
    expect(() => new Conv2d(3, 4, 3, { padding: 'same', stride: [1, 2] })).toThrow(
      new RangeError("Conv2d: padding 'same' needs stride 1 (as PyTorch), got stride [1, 2]"),
    );
  });
});

describe('layer errors', () => {
  it('Linear rejects a wrong input width', () => {
    expect(() => new Linear(3, 2).forward(tensor([[1, 2]]))).toThrow(
      /linear: input features differ from weight: input \[1, 2\], weight \[2, 3\]/,
    );
  });
  it('BatchNorm rejects wrong ranks and channel counts, and one value per channel in training', () => {
    expect(() => new BatchNorm2d(3).forward(tensor([[1, 2, 3]]))).toThrow(
      /BatchNorm2d: expects input \[n, c, h, w\]/,
    );
    expect(() => new BatchNorm1d(2).forward(tensor([[1, 2, 3]]))).toThrow(/BatchNorm1d: expected 2 channels/);
    expect(() => new BatchNorm1d(3).forward(tensor([[1, 2, 3]]))).toThrow(/more than 1 value per channel/);
    expect(() => new BatchNorm1d(3, { momentum: 2 })).toThrow(RangeError);
  });
  it('Embedding rejects out-of-range and fractional indices', () => {
    const e = new Embedding(4, 2);
    expect(() => e.forward([0, 4])).toThrow(
      /embedding: index 4 at position 1 is out of range for 4 embeddings/,
    );
    expect(() => e.forward([1.5])).toThrow(/embedding: index 1.5/);
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow(RangeError);
  });
  it('LayerNorm rejects an input that does not end with normalizedShape', () => {
    expect(() => new LayerNorm([3]).forward(tensor([[1, 2]]))).toThrow(
      /layerNorm: input \[1, 2\] does not end with normalizedShape \[3\]/,
    );
  });
});
