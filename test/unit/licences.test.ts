import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../../src/platform/paths';

/** OSI-approved licences the runtime may depend on (SPDX ids). */
const OSI = new Set(['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0', 'Python-2.0']);

/** Every package the gateway needs at run time (production dependencies, transitively), with its licence. */
function runtimePackages(): Array<{ name: string; licence: string }> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const dirs = execFileSync(npm, ['ls', '--omit=dev', '--all', '--parseable'], { cwd: projectPath(), encoding: 'utf8' }).trim().split('\n').slice(1);
  return dirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; license?: unknown };
    return { name: manifest.name, licence: typeof manifest.license === 'string' ? manifest.license : JSON.stringify(manifest.license ?? null) };
  });
}

describe('licences of what runs in production', () => {
  const packages = runtimePackages();

  it('are all OSI-approved open-source licences', () => {
    expect(packages.length).toBeGreaterThan(100);
    const other = packages.filter(
      ({ licence }) =>
        !licence
          .replace(/[()]/g, '')
          .split(/ (?:AND|OR) /)
          .every((id) => OSI.has(id.trim())),
    );
    expect(other).toEqual([]);
  });

  it('include none of Apollo’s Elastic-licensed federation packages', () => {
    const names = new Set(packages.map((p) => p.name));
    for (const name of ['@apollo/federation-internals', '@apollo/gateway', '@apollo/composition', '@apollo/query-planner', '@apollo/subgraph']) expect(names.has(name)).toBe(false);
  });
});
