/**
 * What the gateway embeds in the IDE page as JSON (`<script type="application/json" id="ide-config">`).
 * Shared by the server (src/gateway/ide/router.ts) and the page (ide-client/page-config.ts).
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
