/** Prints the functions with the most self time in a V8 .cpuprofile (see profile.ts). */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}
const [file, topArg = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: ProfileNode[] };
const self = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const { functionName, url, lineNumber } = n.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.hitCount);
  total += n.hitCount;
}
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg)))
  console.log(`${((100 * hits) / total).toFixed(1).padStart(5)}%  ${key}`);
