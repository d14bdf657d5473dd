import { readFileSync } from 'node:fs';
import semver from 'semver';
import { projectPath } from '../../src/platform/paths';

/**
 * package.json `engines.node` states the Node versions the project supports (one range per
 * release line). Every package the lockfile installs, production or dev, must accept the
 * lowest version of each line: otherwise npm warns EBADENGINE there and the package may use
 * what that Node lacks. package.json `overrides` holds the versions chosen to keep it so.
 */
type Manifest = { engines?: { node?: string } };
type Lockfile = { packages: Record<string, Manifest & { version?: string; name?: string }> };

const readJson = <T>(file: string): T => JSON.parse(readFileSync(projectPath(file), 'utf8')) as T;
const supported = readJson<Manifest>('package.json').engines?.node ?? '';

/** The lowest version of each supported line, e.g. `^20.19.0 || ^22.13.0 || >=24` → 20.19.0, 22.13.0, 24.0.0. */
function lowestOfEachLine(range: string): string[] {
  return new semver.Range(range).set.map((comparators) => semver.minVersion(comparators.map(String).join(' '))?.version ?? 'none');
}

/** `name@version needs <range>` for each locked package whose engines.node refuses `node`. */
function refusing(node: string): string[] {
  const { packages } = readJson<Lockfile>('package-lock.json');
  const refused = Object.entries(packages)
    .filter(([path, pkg]) => path !== '' && typeof pkg.engines?.node === 'string' && !semver.satisfies(node, pkg.engines.node))
    .map(([path, pkg]) => `${pkg.name ?? path.replace(/^.*node_modules\//, '')}@${pkg.version ?? '?'} needs ${pkg.engines?.node}`);
  return [...new Set(refused)].sort();
}

describe('supported Node versions (package.json engines)', () => {
  it('name one minimum per release line: 20, 22 and 24', () => {
    expect(semver.validRange(supported)).not.toBeNull();
    expect(lowestOfEachLine(supported).map((v) => semver.major(v))).toEqual([20, 22, 24]);
  });

  it('include the Node running this suite', () => {
    expect(semver.satisfies(process.versions.node, supported)).toBe(true);
  });

  it.each(lowestOfEachLine(supported))('are accepted by every locked package on Node %s', (node) => {
    expect(refusing(node)).toEqual([]);
  });

  it('agree with the lockfile’s copy of the root engines', () => {
    expect(readJson<Lockfile>('package-lock.json').packages['']?.engines?.node).toBe(supported);
  });
});
