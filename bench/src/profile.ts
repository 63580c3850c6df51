/**
 * Runs one tsgrad workload in a loop, for `node --cpu-prof`:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx --conditions=source \
 *     bench/src/profile.ts mlp-small 50
 *   npx tsx bench/src/profileSummary.ts /tmp/prof/<file>.cpuprofile
 * Workloads: sgemm-<n>, mlp-small, mlp-large, cnn, chain.
 */
import { tsgrad } from './systems/tsgrad.js';
import { CNN, chainData, cnnData, MLP_LARGE, MLP_SMALL, mlpData, sgemmData } from './workloads.js';

const [workload = 'mlp-small', stepsArg = '30'] = process.argv.slice(2);
const runner = workload.startsWith('sgemm-')
  ? tsgrad.sgemm(sgemmData(Number(workload.slice(6))))
  : workload === 'mlp-small'
    ? tsgrad.mlp(mlpData(MLP_SMALL))
    : workload === 'mlp-large'
      ? tsgrad.mlp(mlpData(MLP_LARGE))
      : workload === 'cnn'
        ? tsgrad.cnn(cnnData(CNN))
        : tsgrad.chain(chainData(1000));
runner.run(); // warm up
const times: number[] = [];
for (let i = 0; i < Number(stepsArg); i++) {
  const t = performance.now();
  runner.run();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`${workload}: median ${times[times.length >> 1]!.toFixed(2)} ms, min ${times[0]!.toFixed(2)} ms`);
