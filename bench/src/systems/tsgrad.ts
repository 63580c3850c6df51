/**
 * tsgrad: @tsgrad/nn layers and losses, @tsgrad/optim optimizers. Two variants: `tsgrad`, with
 * the default kernel backend (gemm on WebAssembly SIMD where available), and `tsgrad-js`, every
 * kernel in plain TypeScript (the readable reference, which issue 8's targets are set for); and
 * `tsgrad-2t`, the default kernels with the gemm on two threads.
 */
import { type KernelBackend, matmul, setKernelBackend, setWasmFma, Tensor } from '@tsgrad/autograd';
import { setKernelThreads } from '@tsgrad/autograd/node';
import { Conv2d, functional as F, Linear, MaxPool2d } from '@tsgrad/nn';
import { Adam, SGD } from '@tsgrad/optim';
import {
  ADAM,
  type ChainData,
  type CnnData,
  cnnFeatures,
  type MlpData,
  SGD_MOMENTUM,
  type SgemmData,
} from '../workloads.js';
import type { Runner, System } from './system.js';

function from(data: Float32Array, shape: number[], requiresGrad = false): Tensor {
  return new Tensor(Float32Array.from(data), shape, requiresGrad);
}

/** The MLP of W2 with the given weights (PyTorch layout, so they copy in directly). */
export function tsgradMlp(d: MlpData): { layers: Linear[]; loss: () => Tensor } {
  const { sizes, batch } = d.spec;
  const layers: Linear[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const layer = new Linear(sizes[i]!, sizes[i + 1]!);
    layer.weight.data.set(d.weights[i]!);
    layer.bias!.data.set(d.biases[i]!);
    layers.push(layer);
  }
  const x = from(d.x, [batch, sizes[0]!]);
  const loss = () => {
    let h = x;
    for (let i = 0; i < layers.length; i++) {
      h = layers[i]!.forward(h);
      if (i + 1 < layers.length) h = h.relu();
    }
    return F.crossEntropy(h, d.labels);
  };
  return { layers, loss };
}

/** The CNN of W3 with the given weights. */
export function tsgradCnn(d: CnnData): { params: Tensor[]; loss: () => Tensor } {
  const { batch, side } = d.spec;
  const conv1 = new Conv2d(1, 8, 3, { padding: 1 });
  const conv2 = new Conv2d(8, 16, 3, { padding: 1 });
  const pool = new MaxPool2d(2);
  const fc = new Linear(cnnFeatures(d.spec), 10);
  conv1.weight.data.set(d.w1);
  conv1.bias!.data.set(d.b1);
  conv2.weight.data.set(d.w2);
  conv2.bias!.data.set(d.b2);
  fc.weight.data.set(d.w3);
  fc.bias!.data.set(d.b3);
  const x = from(d.x, [batch, 1, side, side]);
  const loss = () => {
    const h1 = pool.forward(conv1.forward(x).relu());
    const h2 = pool.forward(conv2.forward(h1).relu());
    return F.crossEntropy(fc.forward(h2.flatten(1)), d.labels);
  };
  return { params: [...conv1.parameters(), ...conv2.parameters(), ...fc.parameters()], loss };
}

/** W4's chain: add, mul, tanh, add, … on a leaf x; returns Σy. */
export function tsgradChain(d: ChainData, x: Tensor): Tensor {
  const shift = from(d.shift, [d.x.length]);
  const scale = from(d.scale, [d.x.length]);
  let h = x;
  for (let i = 0; i < d.ops; i++) {
    const k = i % 3;
    h = k === 0 ? h.add(shift) : k === 1 ? h.mul(scale) : h.tanh();
  }
  return h.sum();
}

const noop = () => {};

function makeTsgrad(name: string, backend: KernelBackend, threads = 1, fma = true): System {
  return {
    name,
    async activate() {
      setKernelBackend(backend);
      setKernelThreads(1); // the build can change only while no worker threads run
      setWasmFma(fma);
      setKernelThreads(threads);
    },

    sgemm(d: SgemmData): Runner {
      const a = from(d.a, [d.n, d.n]);
      const b = from(d.b, [d.n, d.n]);
      return { run: () => matmul(a, b).data[0]!, dispose: noop };
    },

    mlp(d: MlpData): Runner {
      const { layers, loss } = tsgradMlp(d);
      const params = layers.flatMap((l) => l.parameters());
      const opt = new Adam(params, { lr: ADAM.lr, betas: [ADAM.beta1, ADAM.beta2], eps: ADAM.eps });
      return {
        run() {
          opt.zeroGrad({ setToNone: true });
          const l = loss();
          l.backward();
          opt.step();
          return l.item();
        },
        dispose: noop,
      };
    },

    cnn(d: CnnData): Runner {
      const { params, loss } = tsgradCnn(d);
      const opt = new SGD(params, { lr: SGD_MOMENTUM.lr, momentum: SGD_MOMENTUM.momentum });
      return {
        run() {
          opt.zeroGrad({ setToNone: true });
          const l = loss();
          l.backward();
          opt.step();
          return l.item();
        },
        dispose: noop,
      };
    },

    chain(d: ChainData): Runner {
      return {
        run() {
          const x = from(d.x, [d.x.length], true);
          const y = tsgradChain(d, x);
          y.backward();
          if (x.grad === null) throw new Error('W4: no gradient reached x');
          return y.item(); // the forward value, compared across systems (the gradient vanishes)
        },
        dispose: noop,
      };
    },
  };
}

/** The default kernels: WebAssembly, the relaxed-SIMD build (fused multiply-add) where the engine has it. */
export const tsgrad = makeTsgrad('tsgrad', 'wasm');
/** The WebAssembly kernels' plain SIMD build (no fused multiply-add), as on engines without relaxed SIMD. */
export const tsgradSimd = makeTsgrad('tsgrad-simd', 'wasm', 1, false);
export const tsgradJs = makeTsgrad('tsgrad-js', 'js');
/** The default kernels with the gemm split across two threads (setKernelThreads, issue 9's stretch). */
export const tsgrad2t = makeTsgrad('tsgrad-2t', 'wasm', 2);
