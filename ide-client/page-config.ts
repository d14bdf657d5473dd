/**
 * What the gateway embeds in the IDE page as JSON (`<script type="application/json" id="ide-config">`).
 * Mirrors `IdePageConfig` in src/http/ide.ts; keep the two in step.
 */
export interface IdeExample {
  /** File name in schema/examples, e.g. "directive-page.graphql". */
  file: string;
  /** The operation's name, or the file name without extension. */
  title: string;
  /** "Frontend", "Analyst", … from the first comment line. */
  audience: string;
  /** The rest of the first comment line. */
  description: string;
  /** The whole file, comment included. */
  query: string;
}

export interface IdePageConfig {
  graphqlPath: string;
  examples: IdeExample[];
}

export function readPageConfig(): IdePageConfig {
  const text = document.getElementById('ide-config')?.textContent;
  const parsed = (text ? JSON.parse(text) : {}) as Partial<IdePageConfig>;
  return { graphqlPath: parsed.graphqlPath ?? '/graphql', examples: parsed.examples ?? [] };
}
