import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { IResolvers } from '@graphql-tools/utils';
import { buildSubgraphSchema } from '../../src/platform/subgraph/schema';

/**
 * Another agency's subgraph, as a third party would write it: its own server,
 * its own schema, knowing nothing of our code but the federation spec. It
 * extends the catalogue's Province by id. Its data is made up for the tests
 * (marked "test"), never shown as real.
 */
export interface AgencySubgraph {
  url: string;
  /** Every request body it received, to count fetches and read `_entities` batches. */
  received: Array<{ query: string; variables?: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export const AGENCY_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { registryOffices: [RegistryOffice!]! }
  "A civil-status registry office (test data)."
  type RegistryOffice { name: String! province: Province! }
  type Province @key(fields: "id") {
    id: ID!
    "Registry offices in this province (test data)."
    registryOfficeCount: Int!
  }
`;

/** `port`: redeploy at the URL of one that was stopped, as an agency's new version would be. */
export async function startAgencySubgraph(options: { sdl?: string; delayMs?: number; resolvers?: IResolvers; port?: number } = {}): Promise<AgencySubgraph> {
  const received: AgencySubgraph['received'] = [];
  const pause = () => new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
  const resolvers: IResolvers = options.resolvers ?? {
    Query: { registryOffices: () => [{ name: 'Phòng Tư pháp (test)', province: { id: '34:91' } }] },
    Province: {
      __resolveReference: async (reference: { id: string }) => {
        await pause();
        return { id: reference.id, registryOfficeCount: Number(reference.id.slice(3)) };
      },
    },
  };
  const server = new ApolloServer({
    schema: buildSubgraphSchema(options.sdl ?? AGENCY_SDL, resolvers),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      { requestDidStart: async ({ request }) => void received.push({ query: request.query ?? '', variables: request.variables }) },
    ],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: options.port ?? 0, host: '127.0.0.1' } });
  return { url, received, stop: () => server.stop() };
}
