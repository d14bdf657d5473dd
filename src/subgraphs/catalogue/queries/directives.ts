import type { CatalogueCollections } from '../collections';
import type { DirectiveDocument } from '../documents';
import { paginate, type Page, type PageArgs } from '../../../platform/db/paginate';

/** Directives newest first; undated (cited-only) ones last. */
export function listDirectives(db: CatalogueCollections, args: PageArgs): Promise<Page<DirectiveDocument>> {
  return paginate(db.directives, {}, { field: 'dateSort', direction: -1 }, args);
}
