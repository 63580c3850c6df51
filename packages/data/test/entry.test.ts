import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('package entries', () => {
  it('only node.ts imports Node modules or the mnist package; the main entry runs in a browser', () => {
    const files = sources(src).filter((f) => !f.endsWith('node.ts'));
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) {
      const imports = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      const foreign = imports.filter((m) => !m.startsWith('.') && m !== '@tsgrad/autograd');
      expect(foreign, file).toEqual([]);
    }
  });

  it('package.json: no runtime dependency but autograd; mnist an optional peer', () => {
    const pkg = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    expect(Object.keys(pkg.dependencies)).toEqual(['@tsgrad/autograd']);
    expect(pkg.peerDependencies.mnist).toBe('1.1.0');
    expect(pkg.peerDependenciesMeta.mnist!.optional).toBe(true);
  });
});
