/**
 * jax-js 0.1.25 on its Wasm device, each training step one `jit`-compiled function.
 *
 * jax-js counts references: every function consumes its array arguments, so an array used
 * twice is passed as `a.ref` the first time (and `dataSync()` consumes its array). jax-js has no optimizers and its jit cannot
 * differentiate a gather, so Adam, SGD with momentum and the one-hot cross-entropy are written
 * here with its ops.
 */
import { defaultDevice, grad, init, jit, lax, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import {
  ADAM,
  type ChainData,
  type CnnData,
  cnnFeatures,
  type MlpData,
  SGD_MOMENTUM,
  type SgemmData,
  transposed,
} from '../workloads.js';
import type { Runner, System } from './system.js';

type Arr = np.Array;

function arr(data: Float32Array, shape: number[]): Arr {
  return np.array(data).reshape(shape);
}

/** Mean over the batch of −Σ_c onehot·log softmax(z). Consumes both. */
function crossEntropy(logits: Arr, oneHot: Arr): Arr {
  return nn.logSoftmax(logits, -1).mul(oneHot).sum(-1).mean().mul(-1);
}

function disposeAll(xs: Arr[]): void {
  for (const x of xs) x.dispose();
}

type MlpParams = { w: Arr[]; b: Arr[] };

function mlpLoss(p: MlpParams, x: Arr, y: Arr): Arr {
  let h = x;
  for (let i = 0; i < p.w.length; i++) {
    h = np.matmul(h, p.w[i]!).add(p.b[i]!);
    if (i + 1 < p.w.length) h = nn.relu(h);
  }
  return crossEntropy(h, y);
}

/**
 * One Adam update of one parameter (PyTorch's form):
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − (lr/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε)
 * `stepSize` = lr/(1−β₁ᵗ) and `sqrtBc2` = √(1−β₂ᵗ) are arrays so the jit is traced once.
 */
function adam(p: Arr, g: Arr, m: Arr, v: Arr, stepSize: Arr, sqrtBc2: Arr): [Arr, Arr, Arr] {
  const m2 = m.mul(ADAM.beta1).add(g.ref.mul(1 - ADAM.beta1));
  const v2 = v.mul(ADAM.beta2).add(g.ref.mul(g).mul(1 - ADAM.beta2));
  const denom = np.sqrt(v2.ref).div(sqrtBc2).add(ADAM.eps);
  return [p.sub(m2.ref.mul(stepSize).div(denom)), m2, v2];
}

/** SGD with momentum (PyTorch's form): b ← μb + g, θ ← θ − lr·b. */
function momentum(p: Arr, g: Arr, b: Arr): [Arr, Arr] {
  const b2 = b.mul(SGD_MOMENTUM.momentum).add(g);
  return [p.sub(b2.ref.mul(SGD_MOMENTUM.lr)), b2];
}

/** 2×2 max pooling, stride 2, on NCHW. */
function maxPool2(x: Arr): Arr {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return x.reshape([n, c, h / 2, 2, w / 2, 2]).max([3, 5]);
}

type CnnParams = { w1: Arr; b1: Arr; w2: Arr; b2: Arr; w3: Arr; b3: Arr };

function cnnLoss(p: CnnParams, x: Arr, y: Arr): Arr {
  const pad: [number, number][] = [
    [1, 1],
    [1, 1],
  ];
  const c1 = lax.conv(x, p.w1, [1, 1], pad).add(p.b1.reshape([1, 8, 1, 1]));
  const h1 = maxPool2(nn.relu(c1));
  const c2 = lax.conv(h1, p.w2, [1, 1], pad).add(p.b2.reshape([1, 16, 1, 1]));
  const h2 = maxPool2(nn.relu(c2));
  const [n] = h2.shape as [number];
  const logits = np.matmul(h2.reshape([n, -1]), p.w3).add(p.b3);
  return crossEntropy(logits, y);
}

export const jax: System = {
  name: 'jax-js',

  async activate() {
    await init('wasm');
    defaultDevice('wasm');
  },

  sgemm(d: SgemmData): Runner {
    const a = arr(d.a, [d.n, d.n]);
    const b = arr(d.b, [d.n, d.n]);
    return {
      run() {
        const c = np.matmul(a.ref, b.ref);
        return c.dataSync()[0]!; // dataSync consumes c
      },
      dispose: () => disposeAll([a, b]),
    };
  },

  mlp(d: MlpData): Runner {
    const { sizes, batch } = d.spec;
    let params: MlpParams = {
      w: d.weights.map((w, i) => arr(transposed(w, sizes[i + 1]!, sizes[i]!), [sizes[i]!, sizes[i + 1]!])),
      b: d.biases.map((b) => arr(b, [b.length])),
    };
    let m: MlpParams = {
      w: params.w.map((w) => np.zerosLike(w.ref)),
      b: params.b.map((b) => np.zerosLike(b.ref)),
    };
    let v: MlpParams = {
      w: params.w.map((w) => np.zerosLike(w.ref)),
      b: params.b.map((b) => np.zerosLike(b.ref)),
    };
    const x = arr(d.x, [batch, sizes[0]!]);
    const y = arr(d.oneHot, [batch, sizes[sizes.length - 1]!]);
    const step = jit((p: MlpParams, m: MlpParams, v: MlpParams, x: Arr, y: Arr, s: Arr, c: Arr) => {
      const [loss, g] = valueAndGrad(mlpLoss)(tree.ref(p), x, y);
      const next = {
        p: { w: [] as Arr[], b: [] as Arr[] },
        m: { w: [] as Arr[], b: [] as Arr[] },
        v: { w: [] as Arr[], b: [] as Arr[] },
      };
      for (const key of ['w', 'b'] as const) {
        for (let i = 0; i < p[key].length; i++) {
          const [pi, mi, vi] = adam(p[key][i]!, g[key][i]!, m[key][i]!, v[key][i]!, s.ref, c.ref);
          next.p[key].push(pi);
          next.m[key].push(mi);
          next.v[key].push(vi);
        }
      }
      s.dispose();
      c.dispose();
      return [loss, next.p, next.m, next.v] as [Arr, MlpParams, MlpParams, MlpParams];
    });
    let t = 0;
    return {
      run() {
        t++;
        const s = np.array(ADAM.lr / (1 - ADAM.beta1 ** t));
        const c = np.array(Math.sqrt(1 - ADAM.beta2 ** t));
        const [loss, p2, m2, v2] = step(params, m, v, x.ref, y.ref, s, c);
        params = p2;
        m = m2;
        v = v2;
        return loss.dataSync()[0]!;
      },
      dispose() {
        for (const tree of [params, m, v]) disposeAll([...tree.w, ...tree.b]);
        disposeAll([x, y]);
        step.dispose();
      },
    };
  },

  cnn(d: CnnData): Runner {
    const { batch, side } = d.spec;
    const f = cnnFeatures(d.spec);
    let params: CnnParams = {
      w1: arr(d.w1, [8, 1, 3, 3]),
      b1: arr(d.b1, [8]),
      w2: arr(d.w2, [16, 8, 3, 3]),
      b2: arr(d.b2, [16]),
      w3: arr(transposed(d.w3, 10, f), [f, 10]),
      b3: arr(d.b3, [10]),
    };
    const keys = Object.keys(params) as (keyof CnnParams)[];
    let bufs = Object.fromEntries(keys.map((k) => [k, np.zerosLike(params[k].ref)])) as CnnParams;
    const x = arr(d.x, [batch, 1, side, side]);
    const y = arr(d.oneHot, [batch, 10]);
    const step = jit((p: CnnParams, b: CnnParams, x: Arr, y: Arr) => {
      const [loss, g] = valueAndGrad(cnnLoss)(tree.ref(p), x, y);
      const np2 = {} as CnnParams;
      const nb = {} as CnnParams;
      for (const k of keys) [np2[k], nb[k]] = momentum(p[k], g[k], b[k]);
      return [loss, np2, nb] as [Arr, CnnParams, CnnParams];
    });
    return {
      run() {
        const [loss, p2, b2] = step(params, bufs, x.ref, y.ref);
        params = p2;
        bufs = b2;
        return loss.dataSync()[0]!;
      },
      dispose() {
        disposeAll([...Object.values(params), ...Object.values(bufs), x, y]);
        step.dispose();
      },
    };
  },

  chain(d: ChainData): Runner {
    const shift = arr(d.shift, [d.x.length]);
    const scale = arr(d.scale, [d.x.length]);
    const x = arr(d.x, [d.x.length]);
    const f = (v: Arr, shift: Arr, scale: Arr) => {
      let h = v;
      for (let i = 0; i < d.ops; i++) {
        const k = i % 3;
        h = k === 0 ? h.add(shift.ref) : k === 1 ? h.mul(scale.ref) : np.tanh(h);
      }
      shift.dispose();
      scale.dispose();
      return h.sum();
    };
    // Timed: the gradient (jit(grad(f)) when jit copes with the chain, else eager grad(f)).
    // valueAndGrad(f) on the eager path kept the chain alive between calls (the heap ran out within
    // a benchmark), so the forward value compared across systems comes from one plain call of f.
    const forward = f(x.ref, shift.ref, scale.ref).dataSync()[0]!;
    const eager = grad(f);
    let compiled: ((v: Arr, s: Arr, c: Arr) => Arr) | null = null;
    let note = 'jit';
    try {
      const jitted = jit(grad(f));
      jitted(x.ref, shift.ref, scale.ref).dataSync();
      compiled = jitted;
    } catch (e) {
      note = `eager (jit failed: ${String((e as Error).message).slice(0, 60)})`;
    }
    const g = compiled ?? eager;
    return {
      note,
      run() {
        g(x.ref, shift.ref, scale.ref).dataSync();
        return forward;
      },
      dispose: () => disposeAll([shift, scale, x]),
    };
  },
};
