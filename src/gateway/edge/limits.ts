import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, Kind, parse, visit, type DocumentNode, type ValidationRule } from 'graphql';
import { ErrorCode, OperationLimitError, requestErrorHttp } from '../../platform/errors';
import type { OperationLimits } from '../config';

/** Marks a graphql-armor rejection with our code and HTTP 400, so clients can tell it from other validation errors. */
function markAsLimit(_context: unknown, error: GraphQLError): void {
  const extensions = error.extensions as Record<string, unknown>;
  extensions.code = ErrorCode.OPERATION_LIMIT_EXCEEDED;
  extensions.http = requestErrorHttp(ErrorCode.OPERATION_LIMIT_EXCEEDED);
}

/**
 * The operation limits as validation rules (graphql-armor): depth, aliases,
 * cost and directives. The same rules serve /graphql (limitsPlugin) and the
 * CSV export, which validates before it plans anything.
 */
export function operationRules(limits: OperationLimits): ValidationRule[] {
  const onReject = [markAsLimit];
  return [
    maxDepthRule({ n: limits.maxDepth, onReject }),
    maxAliasesRule({ n: limits.maxAliases, onReject }),
    costLimitRule({ maxCost: limits.maxCost, onReject }),
    maxDirectivesRule({ n: limits.maxDirectives, onReject }),
  ] as ValidationRule[];
}

/**
 * Refuses a selection set that repeats one field (by response key) or one fragment more than
 * `max` times. graphql-js's OverlappingFieldsCanBeMerged compares such repeats pairwise: 300
 * copies of `milestones { id }` cost a third of a second to validate, well inside the token limit.
 * Counted in one pass over the document, before any validation rule runs.
 */
export function assertFewRepeats(document: DocumentNode, max: number): void {
  visit(document, {
    SelectionSet(node) {
      const counts = new Map<string, number>();
      for (const selection of node.selections) {
        const key =
          selection.kind === Kind.FIELD
            ? `field:${selection.alias?.value ?? selection.name.value}`
            : selection.kind === Kind.FRAGMENT_SPREAD
              ? `fragment:${selection.name.value}`
              : undefined;
        if (key === undefined) continue;
        const count = (counts.get(key) ?? 0) + 1;
        if (count > max) throw new OperationLimitError(`The operation selects \`${key.split(':')[1]}\` more than ${max} times in one selection set.`);
        counts.set(key, count);
      }
    },
  });
}

/** Parses with graphql-js's own token limit and the repeat limit; over either → OPERATION_LIMIT_EXCEEDED. */
export function parseOperation(source: string, limits: OperationLimits): DocumentNode {
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.maxTokens, noLocation: false });
  } catch (error) {
    // graphql-js 16 spells its token message "more that".
    if (error instanceof GraphQLError && /contains more tha[nt] \d+ tokens/.test(error.message)) throw new OperationLimitError(error.message.replace(/^Syntax Error: /, ''));
    throw error;
  }
  assertFewRepeats(document, limits.maxRepeatedSelections);
  return document;
}

/**
 * Operation limits, on from the first start: checked while parsing and
 * validating, before anything executes. In production, "Did you mean …?"
 * suggestions are blocked too (they reveal the schema).
 */
export function limitsPlugin(limits: OperationLimits, production: boolean): GatewayPlugin[] {
  const rules = operationRules(limits);
  const plugin: GatewayPlugin = {
    onParse({ setParseFn }) {
      setParseFn((source) => parseOperation(typeof source === 'string' ? source : source.body, limits));
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
  return production ? [plugin, blockFieldSuggestionsPlugin() as GatewayPlugin] : [plugin];
}
