import { PageStore } from './paging';

describe('PageStore', () => {
  const items = Array.from({ length: 7 }, (_, i) => i);

  it('serves everything at once without maxObjects, and without a token', () => {
    expect(new PageStore<number>().first(items, undefined)).toEqual({ page: items });
    expect(new PageStore<number>().first(items, 0)).toEqual({ page: items });
  });

  it('pages by maxObjects with a token while more remain, each item once', () => {
    const store = new PageStore<number>();
    const first = store.first(items, 3);
    expect(first.page).toEqual([0, 1, 2]);
    const second = store.next(first.token!)!;
    expect(second.page).toEqual([3, 4, 5]);
    const third = store.next(second.token!)!;
    expect(third).toEqual({ page: [6] });
    expect(store.size).toBe(0);
  });

  it('forgets a token once used or cancelled, and knows no made-up token', () => {
    const store = new PageStore<number>();
    const { token } = store.first(items, 2);
    expect(store.next('made-up')).toBeUndefined();
    expect(store.cancel(token!)).toBe(true);
    expect(store.next(token!)).toBeUndefined();
  });

  it('ends without a token when the last page is exactly full', () => {
    const store = new PageStore<number>();
    const first = store.first([1, 2, 3, 4], 2);
    expect(store.next(first.token!)).toEqual({ page: [3, 4] });
  });
});
