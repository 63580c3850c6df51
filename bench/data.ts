/**
 * Data pipeline benchmark: one epoch over the 8,000 training digits in batches of 64, with
 * shuffling and augmentation (randomAffine + Gaussian noise), beside the cost of training an
 * MLP 784-128-10 on the same batches (forward, crossEntropy, backward, SGD update).
 *
 *   npx tsx --conditions=source bench/data.ts
 */
import { Generator, noGrad, type Tensor } from '@tsgrad/autograd';
import { DataLoader, datasets, transforms as T, TensorDataset } from '@tsgrad/data';
import { mnistDigits } from '@tsgrad/data/node';
import { functional as F, Linear } from '@tsgrad/nn';

const EPOCHS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Timing {
  wall: number;
  /** This process's CPU time (user + system): steadier than wall time on a shared machine. */
  cpu: number;
}

/** Runs `epoch(k)` once to warm up, then EPOCHS times; returns the median ms of each clock. */
function time(epoch: (k: number) => void): Timing {
  epoch(0);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let k = 1; k <= EPOCHS; k++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    epoch(k);
    const used = process.cpuUsage(startCpu);
    wall.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function show(t: Timing): string {
  return `${t.wall.toFixed(1).padStart(8)} ms/epoch wall, ${t.cpu.toFixed(1).padStart(8)} ms CPU`;
}

const loadStart = performance.now();
const { train } = datasets.trainTestSplit(mnistDigits());
const loadMs = performance.now() - loadStart;
const ds = new TensorDataset(train.images, train.labels);
const loader = new DataLoader(ds, { batchSize: 64, shuffle: true, seed: 0 });
const augment = T.compose([
  T.randomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1] }),
  T.gaussianNoise(0.1, { clip: [0, 1] }),
]);

let sink = 0;
const loaderOnly = time((k) => {
  for (const [xb] of loader.iterEpoch(k)) sink += xb!.data[0]!;
});
const withAugment = time((k) => {
  const g = new Generator(k);
  for (const [xb] of loader.iterEpoch(k)) sink += augment(xb!, g).data[0]!;
});

const fc1 = new Linear(784, 128);
const fc2 = new Linear(128, 10);
const params = [fc1.weight, fc1.bias!, fc2.weight, fc2.bias!];
function trainStep(x: Tensor, y: Tensor): void {
  const logits = fc2.forward(fc1.forward(x.reshape([x.shape[0]!, 784])).relu());
  const loss = F.crossEntropy(logits, y);
  for (const p of params) p.grad = null;
  loss.backward();
  noGrad(() => {
    for (const p of params) {
      const g = p.grad!.data;
      for (let i = 0; i < g.length; i++) p.data[i]! -= 0.05 * g[i]!;
    }
  });
  sink += loss.item();
}
const training = time((k) => {
  const g = new Generator(k);
  for (const [xb, yb] of loader.iterEpoch(k)) trainStep(augment(xb!, g), yb!);
});

const batches = loader.length;
console.log(
  `@tsgrad/data: ${ds.length} digits, batch 64, ${batches} batches/epoch (median of ${EPOCHS} epochs)`,
);
console.log(`  load 10,000 digits + split        ${loadMs.toFixed(0)} ms (once)`);
console.log(`  shuffle + batch                   ${show(loaderOnly)}`);
console.log(`  shuffle + batch + affine + noise  ${show(withAugment)}`);
console.log(`  … + MLP 784-128-10 training step  ${show(training)}`);
console.log(
  `  data share of a training epoch    ${((100 * withAugment.cpu) / training.cpu).toFixed(0)}% (CPU)`,
);
if (Number.isNaN(sink)) console.log('(sink is NaN)');
