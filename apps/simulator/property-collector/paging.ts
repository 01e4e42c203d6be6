import { randomUUID } from 'node:crypto';

/** What is left of a paged RetrievePropertiesEx, kept in the session under its token. */
export interface PendingPages<T> {
  items: T[];
  offset: number;
  pageSize: number;
}

/**
 * Pages as vCenter's RetrievePropertiesEx and ContinueRetrievePropertiesEx serve them: at most
 * maxObjects per page (unset or 0: everything at once), a token while more remain.
 */
export class PageStore<T> {
  private readonly pending = new Map<string, PendingPages<T>>();

  /** The first page; the token is set when more pages follow. */
  first(items: T[], maxObjects: number | undefined): { page: T[]; token?: string } {
    const pageSize = maxObjects && maxObjects > 0 ? maxObjects : items.length;
    return this.take({ items, offset: 0, pageSize });
  }

  /** The next page for a token, undefined when the token is unknown or used up. */
  next(token: string): { page: T[]; token?: string } | undefined {
    const pending = this.pending.get(token);
    if (!pending) return undefined;
    this.pending.delete(token);
    return this.take(pending);
  }

  cancel(token: string): boolean {
    return this.pending.delete(token);
  }

  get size(): number {
    return this.pending.size;
  }

  private take(pending: PendingPages<T>): { page: T[]; token?: string } {
    const end = pending.offset + pending.pageSize;
    const page = pending.items.slice(pending.offset, end);
    if (end >= pending.items.length) return { page };
    const token = randomUUID();
    this.pending.set(token, { ...pending, offset: end });
    return { page, token };
  }
}
