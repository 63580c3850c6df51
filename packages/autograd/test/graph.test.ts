import { customOp, type Tensor, tensor, toDot } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';

describe('toDot', () => {
  it('draws ops with shapes, leaves with requiresGrad, constants dashed, edges input → output', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const w = tensor([[1], [2]], { requiresGrad: true });
    const y = x.mul(w).add(1).sum();
    expect(toDot(y)).toBe(
      [
        'digraph autograd {',
        '  node [fontname="monospace"];',
        '  t0 [label="sum\\n[] float32", shape=box, style="bold,filled", fillcolor="lightyellow"];',
        '  t1 [label="add\\n[2, 3] float32", shape=box];',
        '  t2 [label="mul\\n[2, 3] float32", shape=box];',
        '  t3 [label="constant [] float32", shape=ellipse, style=dashed];',
        '  t4 [label="leaf [3] float32\\nrequiresGrad", shape=ellipse, style=filled, fillcolor="lightblue"];',
        '  t5 [label="leaf [2, 1] float32\\nrequiresGrad", shape=ellipse, style=filled, fillcolor="lightblue"];',
        '  t1 -> t0;',
        '  t2 -> t1;',
        '  t3 -> t1;',
        '  t4 -> t2;',
        '  t5 -> t2;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('gives the same text for the same graph (stable ids)', () => {
    const build = () => {
      const x = tensor([1, 2], { requiresGrad: true });
      return x.exp().mul(x).sum();
    };
    expect(toDot(build())).toBe(toDot(build()));
  });

  it('draws a tensor used twice once, with an edge per use', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const dot = toDot(x.mul(x));
    expect(dot.match(/leaf \[2\]/g)).toHaveLength(1);
    expect(dot.match(/t1 -> t0;/g)).toHaveLength(2);
  });

  it('shows user names, and can hide constants', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    const dot = toDot(y, { names: new Map([[x, 'x']]), showConstants: false });
    expect(dot).toContain('label="x\\nleaf [2] float32\\nrequiresGrad"');
    expect(dot).not.toContain('constant');
  });

  it('escapes quotes in op names', () => {
    const odd = customOp({
      name: 'say "hi"',
      forward: (_c, t: Tensor) => t.mul(1),
      backward: (_c, g) => [g],
    });
    expect(toDot(odd(tensor([1], { requiresGrad: true })))).toContain('label="say \\"hi\\"\\n[1] float32"');
  });

  it('draws a lone leaf', () => {
    expect(toDot(tensor([1, 2]))).toContain('t0 [label="constant [2] float32"');
  });

  it('walks a 100,000-op chain without recursion', () => {
    let y = tensor([1], { requiresGrad: true });
    for (let i = 0; i < 100_000; i++) y = y.mul(1);
    const dot = toDot(y, { showConstants: false });
    expect(dot).toContain('t100000 [label="leaf [1] float32');
    expect(dot).toContain('t100000 -> t99999;');
  });
});
