import { Kind, parse, type ConstDirectiveNode, type DefinitionNode } from 'graphql';

/** "Type.field" → the subgraphs that resolve it, read from the supergraph's join directives. */
function graphsOf(directives: readonly ConstDirectiveNode[] | undefined, directiveName: string, graphNames: ReadonlyMap<string, string>): string[] {
  return (directives ?? [])
    .filter((directive) => directive.name.value === directiveName)
    .flatMap(
      (directive) =>
        directive.arguments?.filter((arg) => arg.name.value === 'graph').map((arg) => (arg.value.kind === Kind.ENUM ? (graphNames.get(arg.value.value) ?? arg.value.value) : '')) ??
        [],
    );
}

function joinGraphNames(definitions: readonly DefinitionNode[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const name = value.directives?.find((d) => d.name.value === 'join__graph')?.arguments?.find((a) => a.name.value === 'name')?.value;
      names.set(value.name.value, name?.kind === Kind.STRING ? name.value : value.name.value.toLowerCase());
    }
  }
  return names;
}

/**
 * Which fields of the supergraph carry personal data: those resolved only by
 * subgraphs listed in PERSONAL_SUBGRAPHS (the population subgraph, by
 * default). Such fields are never exported to CSV and never cached.
 */
export function personalFields(supergraphSdl: string, personalSubgraphs: readonly string[]): ReadonlySet<string> {
  const personal = new Set(personalSubgraphs.map((name) => name.toLowerCase()));
  const document = parse(supergraphSdl, { noLocation: true });
  const graphNames = joinGraphNames(document.definitions);
  const onlyPersonal = (graphs: string[]): boolean => graphs.length > 0 && graphs.every((graph) => personal.has(graph.toLowerCase()));
  const fields = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const typeGraphs = graphsOf(definition.directives, 'join__type', graphNames);
    for (const field of definition.fields ?? []) {
      const fieldGraphs = graphsOf(field.directives, 'join__field', graphNames);
      if (onlyPersonal(fieldGraphs.length > 0 ? fieldGraphs : typeGraphs)) fields.add(`${definition.name.value}.${field.name.value}`);
    }
  }
  return fields;
}
