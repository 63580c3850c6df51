/**
 * @tsgrad/autograd/node — what only Node can do: worker threads for the WebAssembly kernels.
 * (The main entry stays free of Node imports, so it runs in a browser too.)
 */
import { Worker } from 'node:worker_threads';
import { type KernelWorkerData, kernelThreads, startKernelThreads } from './kernels/wasm/threads.js';

export { kernelThreads };

/**
 * Runs the float32 gemm (matmul, linear) and the conv2d passes on `count` threads: the rows of
 * each large product, the samples of a conv2d forward or input gradient, and the output channels
 * of its weight gradient are split across `count − 1` worker threads and the calling thread, on
 * one shared WebAssembly memory. `setKernelThreads(1)` stops the workers. Blocks until the workers
 * have started. Results are identical to one thread (each output element is computed by one
 * thread in the same order). The workers do not keep the process alive.
 *
 *   import { setKernelThreads } from '@tsgrad/autograd/node';
 *   setKernelThreads(2);   // e.g. os.availableParallelism()
 */
export function setKernelThreads(count: number): void {
  startKernelThreads(count, (source: string, data: KernelWorkerData) => {
    const worker = new Worker(
      `require('node:worker_threads'); (${source})(require('node:worker_threads').workerData);`,
      {
        eval: true,
        workerData: data,
      },
    );
    worker.unref();
    return worker;
  });
}
