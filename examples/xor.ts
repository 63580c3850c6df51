/**
 * The smallest complete example: a 2-8-1 network learns XOR.
 *
 *   pnpm example:xor
 */
import { manualSeed, tensor } from '@tsgrad/autograd';
import { functional as F, Linear, Sequential, Tanh } from '@tsgrad/nn';
import { Adam } from '@tsgrad/optim';
import { isMain } from './lib/cli.js';

export function main(options: { steps?: number; seed?: number; verbose?: boolean } = {}) {
  manualSeed(options.seed ?? 0);
  const x = tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const y = tensor([[0], [1], [1], [0]]);
  const model = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  const losses: number[] = [];
  for (let step = 0; step < (options.steps ?? 300); step++) {
    optimizer.zeroGrad();
    const loss = F.binaryCrossEntropyWithLogits(model.forward(x), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  const predictions = model.forward(x).sigmoid().toArray() as number[][];
  if (options.verbose !== false) {
    console.log(`loss ${losses[0]!.toFixed(4)} → ${losses.at(-1)!.toFixed(4)}`);
    for (let i = 0; i < 4; i++)
      console.log(`${x.data[2 * i]} xor ${x.data[2 * i + 1]} → ${predictions[i]![0]!.toFixed(3)}`);
  }
  return { losses, predictions: predictions.map((p) => p[0]!) };
}

if (isMain(import.meta.url)) main();
