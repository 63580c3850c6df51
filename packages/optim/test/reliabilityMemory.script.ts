/**
 * Run by reliabilityMemory.test.ts in a child process with --expose-gc: trains a small MLP for
 * `STEPS` steps and prints the heap after a full GC at step 500 and at the end, as JSON.
 * With LEAK=1 it keeps every loss (and so every step's graph), to show that the test notices.
 */
import { manualSeed, randn, type Tensor, tensor } from '@tsgrad/autograd';
import { functional as F, Linear, ReLU, Sequential } from '@tsgrad/nn';
import { Adam, CosineAnnealingLR } from '@tsgrad/optim';

const STEPS = Number(process.env.STEPS ?? 5000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

function heapAfterGc(): number {
  // Several passes: one may leave weak references and finalizers for the next.
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

manualSeed(0);
const model = new Sequential(new Linear(8, 32), new ReLU(), new Linear(32, 4));
const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
const scheduler = new CosineAnnealingLR(optimizer, { tMax: STEPS });
const x = randn([16, 8]);
const labels = tensor(Array.from({ length: 16 }, (_, i) => i % 4));
const kept: Tensor[] = [];
const samples: Record<string, number> = {};
const start = performance.now();
for (let step = 1; step <= STEPS; step++) {
  optimizer.zeroGrad();
  const loss = F.crossEntropy(model.forward(x), labels);
  loss.backward();
  optimizer.step();
  scheduler.step();
  if (process.env.LEAK === '1') kept.push(loss);
  if (step === 500 || step === STEPS) samples[step] = heapAfterGc();
}
console.log(JSON.stringify({ samples, ms: performance.now() - start, kept: kept.length }));
