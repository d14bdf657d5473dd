import type { IdePageConfig } from '../src/gateway/ide/page-config';

export type { IdeExample, IdePageConfig } from '../src/gateway/ide/page-config';

/** Reads the configuration the gateway embedded in the page (types shared with src/gateway/ide/router.ts). */
export function readPageConfig(): IdePageConfig {
  const text = document.getElementById('ide-config')?.textContent;
  const parsed = (text ? JSON.parse(text) : {}) as Partial<IdePageConfig>;
  return { graphqlPath: parsed.graphqlPath ?? '/graphql', examples: parsed.examples ?? [] };
}
