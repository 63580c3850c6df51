/**
 * The main job: train a small CNN (or an MLP) on 8,000 real handwritten digits and test it on
 * the 2,000 held-out ones.
 *
 *   pnpm mnist                          # CNN, Adam + one-cycle schedule, ≥ 98% test accuracy
 *   pnpm mnist --model mlp              # a two-layer MLP, faster, ≥ 96%
 *   pnpm mnist --optimizer sgd --lr 0.05 --epochs 10 --batch-size 64 --seed 1
 *   pnpm mnist --quick                  # a few hundred digits, one epoch (CI)
 *   pnpm mnist --threads 2              # the gemm on two threads (same results)
 *
 * Everything in one loop: augment a batch (small random rotations, shifts and zooms), forward,
 * cross-entropy, backward, optimizer step, schedule step. Writes the weights (.safetensors) and
 * the train/test curves (.svg) to out/.
 */
import { getKernelBackend, manualSeed, noGrad, type Tensor, wasmFmaActive } from '@tsgrad/autograd';
import { setKernelThreads } from '@tsgrad/autograd/node';
import { DataLoader, TensorDataset, transforms } from '@tsgrad/data';
import {
  BatchNorm2d,
  Conv2d,
  Dropout,
  functional as F,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from '@tsgrad/nn';
import { saveSafetensorsFile } from '@tsgrad/nn/node';
import { Adam, OneCycleLR, SGD } from '@tsgrad/optim';
import { SingleBar } from 'cli-progress';
import { type CommonOptions, formatTable, isMain, log, outPath, parseOptions } from './lib/cli.js';
import { saveFigure } from './lib/plot.js';
import { confusionMatrix, digits, evaluate } from './lib/train.js';

export interface MnistOptions extends CommonOptions {
  model: 'cnn' | 'mlp';
  optimizer: 'adam' | 'sgd';
  epochs: number;
  batchSize: number;
  /** Peak learning rate of the one-cycle schedule; 0 picks 0.003 for Adam, 0.05 for SGD. */
  lr: number;
  /** Random rotations (±10°), shifts (±10%) and zooms (0.9–1.1) of the training digits. */
  augment: boolean;
  /** Threads for the WebAssembly gemm (setKernelThreads); results are the same for any count. */
  threads: number;
}

const DEFAULTS: MnistOptions = {
  model: 'cnn',
  optimizer: 'adam',
  epochs: 8,
  batchSize: 64,
  lr: 0,
  augment: true,
  threads: 1,
  seed: 0,
};

/** conv–BN–ReLU–pool ×2, dropout, linear: 1×28×28 → 16×14×14 → 32×7×7 → 10. */
export function cnn(): Sequential {
  // biome-ignore format: one row per block reads best
  return new Sequential(
    new Conv2d(1, 16, 3, { padding: 1 }), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
    new Conv2d(16, 32, 3, { padding: 1 }), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Dropout(0.25), new Linear(32 * 7 * 7, 10),
  );
}

/** 784 → 256 → 10 with ReLU and dropout. */
export function mlp(): Sequential {
  return new Sequential(
    new Flatten(),
    new Linear(784, 256),
    new ReLU(),
    new Dropout(0.2),
    new Linear(256, 10),
  );
}

/** MNIST's pixel mean and standard deviation: inputs are standardized with them. */
const MEAN = 0.1307;
const STD = 0.3081;

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

export function main(opts: Partial<MnistOptions> = {}) {
  const o: MnistOptions = { ...DEFAULTS, ...opts };
  if (o.quick) {
    o.epochs = 1;
    o.batchSize = Math.min(o.batchSize, 32);
  }
  if (o.model !== 'cnn' && o.model !== 'mlp')
    throw new RangeError(`mnist: --model must be cnn or mlp, got '${o.model}'`);
  if (o.optimizer !== 'adam' && o.optimizer !== 'sgd')
    throw new RangeError(`mnist: --optimizer must be adam or sgd, got '${o.optimizer}'`);
  if (o.lr === 0) o.lr = o.optimizer === 'adam' ? 0.003 : 0.05;
  setKernelThreads(o.threads);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  manualSeed(o.seed ?? 0);
  const { train, test } = o.quick ? digits(256, 250) : digits();
  const model = o.model === 'cnn' ? cnn() : mlp();
  const loader = new DataLoader(new TensorDataset(train.x, train.y), {
    batchSize: o.batchSize,
    shuffle: true,
    seed: o.seed ?? 0,
  });
  const optimizer =
    o.optimizer === 'adam'
      ? new Adam(model.parameters(), { lr: o.lr })
      : new SGD(model.parameters(), { lr: o.lr, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const schedule = new OneCycleLR(optimizer, { maxLr: o.lr, epochs: o.epochs, stepsPerEpoch: loader.length });
  const augment = transforms.randomAffine({
    degrees: 10,
    translate: [0.1, 0.1],
    scale: [0.9, 1.1],
    seed: o.seed ?? 0,
  });
  const standardize = (x: Tensor): Tensor => x.sub(MEAN).div(STD);
  const testSet = { x: standardize(test.x), y: test.y };
  const interactive = o.verbose !== false && process.stdout.isTTY === true;
  log(
    o,
    `${o.model} on ${train.x.shape[0]} digits (test: ${test.x.shape[0]}), ${o.optimizer}, lr ${o.lr}, ${o.epochs} epochs; ${kernelsInUse(o.threads)}`,
  );

  const history: EpochRecord[] = [];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const bar = new SingleBar({
      format: `epoch ${epoch}/${o.epochs} [{bar}] {value}/{total} batches | loss {loss} | acc {acc} | {speed} samples/s`,
      barsize: 24,
      hideCursor: true,
    });
    if (interactive) bar.start(loader.length, 0, { loss: '-', acc: '-', speed: '-' });
    const t0 = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    model.train();
    for (const [xb, yb] of loader) {
      const x = standardize(o.augment ? augment(xb) : xb);
      optimizer.zeroGrad();
      const logits = model.forward(x);
      const loss = F.crossEntropy(logits, yb);
      loss.backward();
      optimizer.step();
      schedule.step();
      const n = xb.shape[0]!;
      lossSum += loss.item() * n;
      correct += noGrad(() => logits.argmax(1).eq(yb).sum().item());
      seen += n;
      const speed = Math.round(seen / ((performance.now() - t0) / 1000));
      if (interactive)
        bar.increment({ loss: (lossSum / seen).toFixed(4), acc: (correct / seen).toFixed(4), speed });
    }
    if (interactive) bar.stop();
    const { loss: testLoss, accuracy: testAccuracy } = evaluate(model, testSet);
    history.push({ epoch, trainLoss: lossSum / seen, trainAccuracy: correct / seen, testLoss, testAccuracy });
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    log(
      o,
      `epoch ${epoch}: train loss ${(lossSum / seen).toFixed(4)} acc ${(correct / seen).toFixed(4)} | test loss ${testLoss.toFixed(4)} acc ${testAccuracy.toFixed(4)} | ${secs} s`,
    );
  }

  const confusion = confusionMatrix(model, testSet);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const testAccuracy = history.at(-1)!.testAccuracy;
  const name = `mnist-${o.model}`;
  const weightsPath = outPath(o, `${name}.safetensors`);
  saveFigure(outPath(o, `${name}.svg`), curves(history, name));
  saveSafetensorsFile(weightsPath, model, { model: o.model, testAccuracy: testAccuracy.toFixed(4) });
  const header = ['true\\pred', ...Array.from({ length: 10 }, (_, j) => String(j))];
  log(
    o,
    '',
    'confusion matrix on the held-out digits (rows: true digit, columns: predicted):',
    formatTable(
      header,
      confusion.map((row, i) => [String(i), ...row]),
    ),
    '',
    `test accuracy ${(100 * testAccuracy).toFixed(2)}% on ${test.x.shape[0]} held-out digits; ${seconds.toFixed(1)} s in all (${cpuSeconds.toFixed(1)} s of CPU)`,
    `weights: ${weightsPath}`,
    `curves:  ${outPath(o, `${name}.svg`)}`,
  );
  if (o.threads !== 1) setKernelThreads(1);
  return { testAccuracy, history, confusion, seconds, cpuSeconds, weightsPath, model };
}

function curves(h: EpochRecord[], name: string) {
  const x = h.map((r) => r.epoch);
  return [
    {
      title: `${name}: loss`,
      xLabel: 'epoch',
      series: [
        { name: 'train', x, y: h.map((r) => r.trainLoss) },
        { name: 'test', x, y: h.map((r) => r.testLoss) },
      ],
    },
    {
      title: `${name}: accuracy`,
      xLabel: 'epoch',
      series: [
        { name: 'train', x, y: h.map((r) => r.trainAccuracy) },
        { name: 'test', x, y: h.map((r) => r.testAccuracy) },
      ],
    },
  ];
}

if (isMain(import.meta.url)) main(parseOptions(DEFAULTS));

/** Which kernels run: TypeScript, or WebAssembly (relaxed-SIMD build or plain) on n threads. */
function kernelsInUse(threads: number): string {
  if (getKernelBackend() === 'js') return 'TypeScript kernels';
  const build = wasmFmaActive() ? 'relaxed SIMD, fused multiply-add' : 'SIMD';
  return `WebAssembly kernels (${build}, ${threads} thread${threads === 1 ? '' : 's'})`;
}
