import { readFile } from 'node:fs/promises';
import type { Logger } from '../../platform/logger';
import type { SubgraphEndpoint, SupergraphSourceConfig } from '../config';
import { CompositionError, composeSupergraph, fetchSubgraphSdl } from './compose';

export interface SupergraphStatus {
  /** When the supergraph now served was loaded; null before the first success. */
  loadedAt: string | null;
  /** The last failed reload, kept until a reload succeeds: the gateway still serves the last good supergraph. */
  lastError: string | null;
  subgraphs: SubgraphEndpoint[];
}

/**
 * The supergraph the gateway serves, and how to load it again: composed from
 * subgraphs (ours under `npm start`, or SUBGRAPHS), or read from
 * SUPERGRAPH_FILE. A failed reload keeps the last good supergraph and records
 * the error; only a first load that fails is fatal.
 */
export class SupergraphSource {
  private sdl: string | undefined;
  private status: SupergraphStatus = { loadedAt: null, lastError: null, subgraphs: [] };

  constructor(
    private readonly config: Exclude<SupergraphSourceConfig, { kind: 'own' }>,
    private readonly secret: string | undefined,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** The SDL now served (throws before the first load). */
  current(): string {
    if (this.sdl === undefined) throw new Error('the supergraph has not been loaded yet');
    return this.sdl;
  }

  get state(): SupergraphStatus {
    return this.status;
  }

  /** Loads the supergraph; true when it changed. Throws CompositionError when it fails and nothing was loaded before. */
  async reload(): Promise<boolean> {
    try {
      const { sdl, subgraphs } = await this.load();
      const changed = sdl !== this.sdl;
      this.sdl = sdl;
      this.status = { loadedAt: new Date().toISOString(), lastError: null, subgraphs };
      if (changed) this.log.info('supergraph loaded', { subgraphs: subgraphs.map((s) => s.name) });
      return changed;
    } catch (error) {
      const line = error instanceof CompositionError ? error.line : (error as Error).message;
      if (this.sdl === undefined) throw error;
      this.status = { ...this.status, lastError: line };
      this.log.error('supergraph reload failed; still serving the last good supergraph', { error: line });
      return false;
    }
  }

  private async load(): Promise<{ sdl: string; subgraphs: SubgraphEndpoint[] }> {
    if (this.config.kind === 'file') {
      const sdl = await readFile(this.config.path, 'utf8').catch((error: Error) => {
        throw new CompositionError(undefined, `SUPERGRAPH_FILE ${this.config.kind === 'file' ? this.config.path : ''}: ${error.message}`);
      });
      return { sdl, subgraphs: subgraphsOf(sdl) };
    }
    const sdls = await Promise.all(this.config.subgraphs.map((endpoint) => fetchSubgraphSdl(endpoint, this.secret, this.timeoutMs)));
    return { sdl: composeSupergraph(sdls), subgraphs: this.config.subgraphs };
  }
}

/** The subgraphs a supergraph names (`@join__graph(name:, url:)`), for health probes. */
export function subgraphsOf(supergraphSdl: string): SubgraphEndpoint[] {
  return [...supergraphSdl.matchAll(/@join__graph\(\s*name:\s*"([^"]+)"\s*,?\s*url:\s*"([^"]*)"\s*\)/g)].map((match) => ({ name: match[1] as string, url: match[2] as string }));
}
