import { Kind, parse, print, visit } from 'graphql';
import { maskCitizenIdShapes } from '../logger';

/**
 * What leaves the process in a span: no citizen ID, name, date of birth or
 * variable value. The instrumentations are configured not to record values
 * (no variables, no request bodies or headers, MongoDB commands as shapes);
 * this is the last pass over every span before it is exported, for what
 * they record anyway — the operation's text with its inline arguments, URLs,
 * error messages that quote a value — and anything a future instrumentation adds.
 */

/** An attribute value as OpenTelemetry holds it. */
export type AttributeValue = string | number | boolean | Array<null | undefined | string> | Array<null | undefined | number> | Array<null | undefined | boolean>;
export type Attributes = Record<string, AttributeValue | undefined>;

/**
 * Attributes never exported: the value itself may be personal (the caller's
 * address and user agent identify a person as well as a citizen ID does; the
 * access log keeps the caller's network, truncated, for abuse), or is the supergraph's whole text.
 */
const DROPPED: ReadonlySet<string> = new Set([
  'http.client_ip',
  'client.address',
  'net.peer.ip',
  'network.peer.address',
  'http.user_agent',
  'user_agent.original',
  'url.query',
  'http.request.body',
  'http.response.body',
  'graphql.variables',
  'graphql.schema',
  'gateway.cache.key',
  'db.query.parameters',
]);
/** Attributes that hold a GraphQL document: kept with every literal blanked. */
const DOCUMENTS: ReadonlySet<string> = new Set(['graphql.document', 'graphql.source']);
/** Attributes that hold a URL: kept without its query string and fragment. */
const URLS: ReadonlySet<string> = new Set(['http.url', 'url.full', 'http.target']);

/**
 * Any text: a citizen ID's shape (12 digits standing alone) is replaced,
 * and so is the value GraphQL's coercion errors quote ("got invalid value …",
 * "found …", "cannot represent …: …").
 */
export function scrubText(text: string): string {
  return maskCitizenIdShapes(text)
    .replace(/(got invalid value) [^;]*/g, '$1 [value]')
    .replace(/(, found) [^;]*?(;|\.?$)/g, '$1 [value]$2')
    .replace(/(cannot represent [^:]*:) [^;]*/gi, '$1 [value]');
}

const documents = new Map<string, string>();

/** A GraphQL document with every string and number literal blanked (`""`, `0`): what was asked, not about whom. */
export function documentShape(text: string): string {
  const known = documents.get(text);
  if (known !== undefined) return known;
  let shape: string;
  try {
    shape = print(
      visit(parse(text, { noLocation: true }), {
        StringValue: (node) => ({ ...node, value: '', block: false }),
        IntValue: (node) => ({ ...node, kind: Kind.INT, value: '0' }),
        FloatValue: (node) => ({ ...node, kind: Kind.INT, value: '0' }),
      }),
    );
  } catch {
    shape = '[a document that does not parse]';
  }
  // Operations repeat: remember a bounded number of them.
  if (documents.size >= 500) documents.clear();
  documents.set(text, shape);
  return shape;
}

/** A URL without its query string or fragment (where GET requests carry variables). */
export function urlWithoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return scrubText(cut === -1 ? url : url.slice(0, cut));
}

function scrubValue(key: string, value: AttributeValue): AttributeValue {
  if (typeof value === 'string') {
    if (DOCUMENTS.has(key)) return documentShape(value);
    if (URLS.has(key)) return urlWithoutQuery(value);
    return scrubText(value);
  }
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? scrubText(item) : item)) as AttributeValue;
  return value;
}

/** A span's (or event's, or link's) attributes, scrubbed. */
export function scrubAttributes(attributes: Attributes): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED.has(key) || value === undefined) continue;
    result[key] = scrubValue(key, value);
  }
  return result;
}
