import { manualSeed, randn, type Tensor, tensor, zeros } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  buffer,
  Conv2d,
  Dropout,
  functional as F,
  Flatten,
  Identity,
  isBuffer,
  Linear,
  Module,
  ModuleList,
  parameter,
  ReLU,
  Residual,
  Sequential,
} from '../src/index.js';

class MLP extends Module {
  fc1 = new Linear(4, 3);
  bn = new BatchNorm1d(3);
  fc2 = new Linear(3, 2);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.bn.forward(this.fc1.forward(x)).relu());
  }
}

class WithArrays extends Module {
  layers = [new Linear(2, 2), new Linear(2, 1, { bias: false })];
  scale = parameter(tensor([1]));
  stats = buffer(zeros([2]));
  note = 'not a tensor';
  nothing = null;
  forward(x: Tensor): Tensor {
    return this.layers[1]!.forward(this.layers[0]!.forward(x)).mul(this.scale);
  }
}

describe('Module walks its fields', () => {
  it('namedParameters lists every parameter with dotted paths in declaration order', () => {
    expect(new MLP().namedParameters().map(([n]) => n)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'bn.weight',
      'bn.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
  });

  it('arrays of modules are named by index; buffer() marks buffers; other fields are ignored', () => {
    const m = new WithArrays();
    // A module's own tensors come before its submodules' (PyTorch's order too).
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      'scale',
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
    ]);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['stats']);
    expect(isBuffer(m.stats)).toBe(true);
    expect(m.children().length).toBe(2);
    expect(m.modules().length).toBe(3);
    expect(m.numParameters()).toBe(4 + 2 + 2 + 1);
  });

  it('buffers are saved in the state dict but are not parameters', () => {
    const m = new MLP();
    expect(m.namedBuffers().map(([n]) => n)).toEqual([
      'bn.runningMean',
      'bn.runningVar',
      'bn.numBatchesTracked',
    ]);
    expect(m.parameters()).not.toContain(m.bn.runningMean);
    // PyTorch's order: module by module, each module's parameters before its buffers.
    expect([...m.stateDict().keys()]).toEqual([
      'fc1.weight',
      'fc1.bias',
      'bn.weight',
      'bn.bias',
      'bn.runningMean',
      'bn.runningVar',
      'bn.numBatchesTracked',
      'fc2.weight',
      'fc2.bias',
    ]);
  });

  it('a shared submodule or tensor is listed once', () => {
    class Shared extends Module {
      a = new Linear(2, 2);
      b = this.a;
      forward(x: Tensor): Tensor {
        return this.b.forward(this.a.forward(x));
      }
    }
    const m = new Shared();
    expect(m.parameters().length).toBe(2);
    expect(m.modules().length).toBe(2);
  });

  it('Sequential and ModuleList name children by position, as PyTorch', () => {
    const seq = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq.forward(randn([5, 3])).shape).toEqual([5, 2]);
    expect(seq.length).toBe(3);
    const list = new ModuleList([new Linear(1, 1), new Linear(1, 1)]);
    expect(list.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect([...list].length).toBe(2);
  });

  it('Residual computes x + f(x) and registers f when it is a module', () => {
    const f = new Linear(3, 3);
    const r = new Residual(f);
    const x = randn([2, 3]);
    expect([...r.forward(x).data]).toEqual([...x.add(f.forward(x)).data]);
    expect(r.namedParameters().map(([n]) => n)).toEqual(['fn.weight', 'fn.bias']);
    expect([...new Residual((t) => t.mul(2)).forward(x).data]).toEqual([...x.mul(3).data]);
  });

  it('Identity and Flatten', () => {
    const x = randn([2, 3, 4]);
    expect(new Identity().forward(x)).toBe(x);
    expect(new Flatten().forward(x).shape).toEqual([2, 12]);
    expect(new Flatten(0).forward(x).shape).toEqual([24]);
  });

  it('train()/eval() propagate to every submodule; training is a plain field', () => {
    const m = new Sequential(new MLP(), new Dropout(0.5));
    m.eval();
    expect(m.modules().every((s) => !s.training)).toBe(true);
    m.train();
    expect(m.modules().every((s) => s.training)).toBe(true);
    m.train(false);
    expect((m.at(0) as MLP).bn.training).toBe(false);
  });

  it('zeroGrad clears every gradient; apply visits every module children-first', () => {
    const m = new MLP();
    m.forward(randn([4, 4]))
      .sum()
      .backward();
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
    const seen: string[] = [];
    m.apply((s) => seen.push(s.constructor.name));
    expect(seen).toEqual(['Linear', 'BatchNorm1d', 'Linear', 'MLP']);
  });

  it('toString shows the tree', () => {
    expect(new Sequential(new Linear(2, 3)).toString()).toContain(
      '(0): Linear(inFeatures=2, outFeatures=3, bias=true)',
    );
  });
});

describe('stateDict / loadStateDict', () => {
  it('a loaded model gives identical outputs', () => {
    const a = new MLP();
    const b = new MLP();
    a.forward(randn([6, 4])); // moves a's running statistics
    a.eval();
    b.eval();
    b.loadStateDict(a.stateDict());
    const x = randn([3, 4]);
    expect([...b.forward(x).data]).toEqual([...a.forward(x).data]);
  });

  it('stateDict tensors are detached views of the module storage', () => {
    const m = new Linear(2, 2);
    const w = m.stateDict().get('weight')!;
    expect(w.requiresGrad).toBe(false);
    expect(w.data).toBe(m.weight.data);
  });

  it('strict loading lists every missing and unexpected key and every shape mismatch with both shapes', () => {
    const m = new MLP();
    const sd = m.stateDict();
    sd.delete('fc1.bias');
    sd.delete('bn.runningVar');
    sd.set('fc3.weight', zeros([1]));
    sd.set('fc2.weight', zeros([3, 2]));
    let message = '';
    try {
      m.loadStateDict(sd);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^loadStateDict: 4 problem\(s\)/);
    expect(message).toContain('fc2.weight: shape [3, 2] in the state dict, [2, 3] in the module');
    expect(message).toContain('missing key: fc1.bias');
    expect(message).toContain('missing key: bn.runningVar');
    expect(message).toContain('unexpected key: fc3.weight');
  });

  it('non-strict loading reports missing/unexpected keys but still rejects shape mismatches', () => {
    const m = new Linear(2, 2);
    const r = m.loadStateDict({ weight: zeros([2, 2]), extra: zeros([1]) }, { strict: false });
    expect(r).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect([...m.weight.data]).toEqual([0, 0, 0, 0]);
    expect(() => m.loadStateDict({ weight: zeros([2, 3]) }, { strict: false })).toThrow(
      /weight: shape \[2, 3\]/,
    );
  });

  it('loading converts dtype and copies (the module keeps its own tensors)', () => {
    const m = new Conv2d(1, 1, 1);
    const w = m.weight;
    m.loadStateDict({ weight: tensor([[[[0.5]]]], { dtype: 'float64' }), bias: tensor([2]) });
    expect(m.weight).toBe(w);
    expect(m.weight.dtype).toBe('float32');
    expect(m.weight.item()).toBe(0.5);
  });
});

describe('end to end', () => {
  it('a small MLP with BatchNorm and Dropout learns XOR (loss falls below 0.05)', () => {
    manualSeed(0);
    const model = new Sequential(
      new Linear(2, 16),
      new BatchNorm1d(16),
      new ReLU(),
      new Dropout(0.1),
      new Linear(16, 2),
    );
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = [0, 1, 1, 0, 0, 1, 1, 0];
    let first = 0;
    for (let step = 0; step < 300; step++) {
      model.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      if (step === 0) first = loss.item();
      loss.backward();
      for (const p of model.parameters())
        for (let i = 0; i < p.size; i++) p.data[i] -= 0.1 * p.grad!.data[i]!;
    }
    model.eval();
    const final = F.crossEntropy(model.forward(x), y).item();
    expect(first).toBeGreaterThan(0.5);
    expect(final).toBeLessThan(0.05);
  });
});
