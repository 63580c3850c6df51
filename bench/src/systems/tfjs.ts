/**
 * TensorFlow.js 4.22 on its CPU backend (plain JS kernels) and its WASM backend (XNNPACK,
 * SIMD). `@tensorflow/tfjs` is imported whole, not just tfjs-core, because tfjs-core's Node
 * bundle registers no gradients. Convolutions run NHWC (tfjs's CPU kernels support no NCHW),
 * so the CNN's weights are permuted to match the shared NCHW ones exactly.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
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

const require = createRequire(import.meta.url);
const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
setWasmPaths(`${wasmDir}/`);
setThreadsCount(1);

/** A [out, in] Linear weight as the [in, out] variable tfjs multiplies by. */
function linearVariable(w: Float32Array, out: number, inp: number): tf.Variable {
  return tf.variable(tf.tensor2d(transposed(w, out, inp), [inp, out]));
}

/** A [outC, inC, kh, kw] conv weight as tfjs's [kh, kw, inC, outC] filter. */
function filterVariable(w: Float32Array, outC: number, inC: number, k: number): tf.Variable {
  const f = new Float32Array(w.length);
  for (let o = 0; o < outC; o++)
    for (let i = 0; i < inC; i++)
      for (let y = 0; y < k; y++)
        for (let x = 0; x < k; x++)
          f[((y * k + x) * inC + i) * outC + o] = w[((o * inC + i) * k + y) * k + x]!;
  return tf.variable(tf.tensor4d(f, [k, k, inC, outC]));
}

/** One training step: `optimizer.minimize` (forward, backward, update), loss read back. */
function trainRunner(
  optimizer: tf.Optimizer,
  loss: () => tf.Scalar,
  vars: tf.Variable[],
  data: tf.Tensor[],
): Runner {
  return {
    run() {
      const cost = optimizer.minimize(loss, true, vars)!;
      const value = cost.dataSync()[0]!;
      cost.dispose();
      return value;
    },
    dispose() {
      optimizer.dispose();
      for (const t of [...vars, ...data]) t.dispose();
    },
  };
}

function makeTfjs(name: string, backend: 'cpu' | 'wasm'): System {
  return {
    name,
    async activate() {
      await tf.setBackend(backend);
      await tf.ready();
    },

    sgemm(d: SgemmData): Runner {
      const a = tf.tensor2d(d.a, [d.n, d.n]);
      const b = tf.tensor2d(d.b, [d.n, d.n]);
      return {
        run() {
          const c = tf.matMul(a, b);
          const v = c.dataSync()[0]!;
          c.dispose();
          return v;
        },
        dispose() {
          a.dispose();
          b.dispose();
        },
      };
    },

    mlp(d: MlpData): Runner {
      const { sizes, batch } = d.spec;
      const ws = d.weights.map((w, i) => linearVariable(w, sizes[i + 1]!, sizes[i]!));
      const bs = d.biases.map((b) => tf.variable(tf.tensor1d(b)));
      const x = tf.tensor2d(d.x, [batch, sizes[0]!]);
      const y = tf.tensor2d(d.oneHot, [batch, sizes[sizes.length - 1]!]);
      const loss = () => {
        let h: tf.Tensor2D = x;
        for (let i = 0; i < ws.length; i++) {
          h = tf.add(tf.matMul(h, ws[i]!), bs[i]!);
          if (i + 1 < ws.length) h = tf.relu(h);
        }
        return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
      };
      const opt = tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
      return trainRunner(opt, loss, [...ws, ...bs], [x, y]);
    },

    cnn(d: CnnData): Runner {
      const { batch, side } = d.spec;
      const q = side / 4;
      const f = cnnFeatures(d.spec);
      const w1 = filterVariable(d.w1, 8, 1, 3);
      const w2 = filterVariable(d.w2, 16, 8, 3);
      // fc rows re-ordered from NCHW flatten order (c, h, w) to NHWC order (h, w, c).
      const w3 = new Float32Array(f * 10);
      for (let c = 0; c < 16; c++)
        for (let p = 0; p < q * q; p++)
          for (let o = 0; o < 10; o++) w3[(p * 16 + c) * 10 + o] = d.w3[o * f + c * q * q + p]!;
      const fc = tf.variable(tf.tensor2d(w3, [f, 10]));
      const [b1, b2, b3] = [d.b1, d.b2, d.b3].map((b) => tf.variable(tf.tensor1d(b)));
      // With one channel, NCHW [n, 1, h, w] and NHWC [n, h, w, 1] are the same memory.
      const x = tf.tensor4d(d.x, [batch, side, side, 1]);
      const y = tf.tensor2d(d.oneHot, [batch, 10]);
      const convRelu = (h: tf.Tensor4D, w: tf.Variable, b: tf.Variable) =>
        tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, 'same'), b)) as tf.Tensor4D;
      const loss = () => {
        const h1 = tf.maxPool(convRelu(x, w1, b1!), 2, 2, 'valid');
        const h2 = tf.maxPool(convRelu(h1, w2, b2!), 2, 2, 'valid');
        const logits = tf.add(tf.matMul(tf.reshape(h2, [batch, f]), fc), b3!);
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      };
      const opt = tf.train.momentum(SGD_MOMENTUM.lr, SGD_MOMENTUM.momentum);
      return trainRunner(opt, loss, [w1, b1!, w2, b2!, fc, b3!], [x, y]);
    },

    chain(d: ChainData): Runner {
      const shift = tf.tensor1d(d.shift);
      const scale = tf.tensor1d(d.scale);
      const x = tf.tensor1d(d.x);
      const f = (v: tf.Tensor) => {
        let h = v;
        for (let i = 0; i < d.ops; i++) {
          const k = i % 3;
          h = k === 0 ? tf.add(h, shift) : k === 1 ? tf.mul(h, scale) : tf.tanh(h);
        }
        return tf.sum(h);
      };
      const valueAndGradient = tf.valueAndGrad(f);
      return {
        run() {
          return tf.tidy(() => {
            const { value, grad } = valueAndGradient(x);
            grad.dataSync();
            return value.dataSync()[0]!;
          });
        },
        dispose() {
          for (const t of [shift, scale, x]) t.dispose();
        },
      };
    },

    memoryNote() {
      const m = tf.memory();
      return `${m.numTensors} tensors, ${(m.numBytes / 2 ** 20).toFixed(1)} MB`;
    },
  };
}

export const tfjsCpu = makeTfjs('tfjs-cpu', 'cpu');
export const tfjsWasm = makeTfjs('tfjs-wasm', 'wasm');
