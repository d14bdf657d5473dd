import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project's root: the nearest folder above this file that holds package.json.
 * The same answer from the sources (tests, via SWC) and from dist/ (the build),
 * so data files (seeds/, schema/, tools/) are found one way everywhere.
 */
export const PROJECT_ROOT: string = (() => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();

/** A path inside the project, e.g. `projectPath('seeds', 'data')`. */
export function projectPath(...segments: string[]): string {
  return join(PROJECT_ROOT, ...segments);
}

/** The project's version (package.json), reported by `health` and the logs. */
export const PROJECT_VERSION: string = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
