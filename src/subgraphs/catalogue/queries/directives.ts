import type { Collections } from '../db/collections';
import type { DirectiveDocument } from '../db/documents';
import { paginate, type Page, type PageArgs } from '../db/paginate';

/** Directives newest first; undated (cited-only) ones last. */
export function listDirectives(db: Collections, args: PageArgs): Promise<Page<DirectiveDocument>> {
  return paginate(db.directives, {}, { field: 'dateSort', direction: -1 }, args);
}
