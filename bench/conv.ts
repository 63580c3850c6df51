/**
 * conv2d benchmark: forward, and forward + backward, for the two convolutions of a small
 * MNIST CNN, beside TensorFlow.js (cpu backend, NHWC, same sizes and FLOPs) as a reference.
 *
 *   layer 1: [64, 1, 28, 28] → 8 channels, 3×3, padding 1   (gradients for weight and bias)
 *   layer 2: [64, 8, 14, 14] → 16 channels, 3×3, padding 1  (gradients for input, weight, bias)
 *
 *   npx tsx --conditions=source bench/conv.ts
 */

// The umbrella package: tfjs-core plus the cpu backend and the registered gradient functions.
import * as tf from '@tensorflow/tfjs';
import { conv2d, manualSeed, randn, type Tensor } from '@tsgrad/autograd';
import Benchmark from 'benchmark';

interface Case {
  name: string;
  x: [number, number, number, number];
  outC: number;
  inputGrad: boolean;
}

const cases: Case[] = [
  { name: 'layer 1 [64, 1, 28, 28] → 8', x: [64, 1, 28, 28], outC: 8, inputGrad: false },
  { name: 'layer 2 [64, 8, 14, 14] → 16', x: [64, 8, 14, 14], outC: 16, inputGrad: true },
];

manualSeed(0);
await tf.setBackend('cpu');
const suite = new Benchmark.Suite('conv2d');
let sink = 0;

for (const c of cases) {
  const [n, ch, h, w] = c.x;
  const x = randn(c.x, { requiresGrad: c.inputGrad });
  const weight = randn([c.outC, ch, 3, 3], { requiresGrad: true });
  const bias = randn([c.outC], { requiresGrad: true });
  const gradOut = randn([n, c.outC, h, w]);
  const leaves: Tensor[] = [x, weight, bias];

  suite.add(`tsgrad ${c.name}: forward`, () => {
    sink += conv2d(x.detach(), weight.detach(), bias.detach(), { padding: 1 }).data[0]!;
  });
  suite.add(`tsgrad ${c.name}: forward + backward`, () => {
    for (const t of leaves) t.grad = null;
    conv2d(x, weight, bias, { padding: 1 }).backward(gradOut);
    sink += weight.grad!.data[0]!;
  });

  const tx = tf.randomNormal([n, h, w, ch]) as tf.Tensor4D;
  const tw = tf.randomNormal([3, 3, ch, c.outC]) as tf.Tensor4D;
  const tb = tf.randomNormal([c.outC]) as tf.Tensor1D;
  const tg = tf.randomNormal([n, h, w, c.outC]) as tf.Tensor4D;
  const f = (a: tf.Tensor4D, b: tf.Tensor4D, d: tf.Tensor1D) =>
    tf.add(tf.conv2d(a, b, 1, 'same'), d) as tf.Tensor4D;
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) =>
    f(a as tf.Tensor4D, b as tf.Tensor4D, d as tf.Tensor1D),
  );
  suite.add(`tfjs-cpu ${c.name}: forward`, () => {
    tf.tidy(() => {
      sink += f(tx, tw, tb).dataSync()[0]!;
    });
  });
  // tfjs-cpu's filter gradient is a plain loop taking seconds per call here: sample it briefly.
  suite.add(
    `tfjs-cpu ${c.name}: forward + backward`,
    () => {
      tf.tidy(() => {
        sink += grads([tx, tw, tb], tg)[1]!.dataSync()[0]!;
      });
    },
    { minSamples: 2, maxTime: 1 },
  );
}

suite
  .on('cycle', (event: Benchmark.Event) => {
    // benchmark.js types the cycle target loosely; it is the Benchmark that just finished.
    const b = event.target as unknown as Benchmark;
    if (b.error) {
      console.log(`${b.name}: failed: ${String(b.error)}`);
      return;
    }
    const ms = b.stats.mean * 1000;
    const rme = b.stats.rme;
    console.log(
      `${String(b.name).padEnd(56)} ${ms.toFixed(2).padStart(8)} ms/call  ±${rme.toFixed(1)}%  (${b.stats.sample.length} runs)`,
    );
  })
  .on('complete', () => {
    if (Number.isNaN(sink)) console.log('(NaN seen)');
  })
  .run({ async: false });
