import { decodeCursor, encodeCursor, pageSize, MAX_PAGE_SIZE } from '../../src/platform/db/paginate';
import { containsFolded } from '../../src/subgraphs/catalogue/queries/filters';
import { mergeCacheControl } from '../../src/gateway/edge/cache-control';

describe('cursors and page sizes', () => {
  it('round-trips a keyset cursor and refuses one the API did not issue, naming `after`', () => {
    expect(decodeCursor(encodeCursor('2021-03-22', '406/QĐ-TTg'))).toEqual(['2021-03-22', '406/QĐ-TTg']);
    for (const bad of ['garbage', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"$gt":""}').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' } }));
    }
  });

  it('defaults to 20 and refuses pages outside 0–100', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(MAX_PAGE_SIZE)).toBe(100);
    expect(() => pageSize(101)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' } }));
    expect(() => pageSize(-1)).toThrow(/between 0 and 100/);
    expect(pageSize(5000, 5000)).toBe(5000);
  });
});

describe('text filters', () => {
  it('match folded text literally: operators and regex syntax are plain characters', () => {
    expect(containsFolded('Đăng ký kết hôn', 'text').test('dang ky ket hon')).toBe(true);
    expect(containsFolded('a.*', 'text').test('abc')).toBe(false);
    expect(containsFolded('a.*', 'text').test('xa.*y')).toBe(true);
    expect(() => containsFolded('   ', 'text')).toThrow(/at least one letter/);
    expect(() => containsFolded('x'.repeat(201), 'text')).toThrow(/longer than 200/);
  });
});

describe('cache-control of a response from its subgraphs', () => {
  it('takes the shortest max-age, private for keyed callers, and no-store whenever in doubt', () => {
    expect(mergeCacheControl(['max-age=300, public'], false, false)).toBe('max-age=300, public');
    expect(mergeCacheControl(['max-age=300, public', 'max-age=60, public'], false, false)).toBe('max-age=60, public');
    expect(mergeCacheControl(['max-age=300, public'], true, false)).toBe('max-age=300, private');
    expect(mergeCacheControl(['max-age=300, public', 'max-age=300, private'], false, false)).toBe('max-age=300, private');
    expect(mergeCacheControl(['max-age=300, public', 'no-store'], false, false)).toBe('no-store');
    expect(mergeCacheControl(['max-age=300, public', null], false, false)).toBe('no-store');
    expect(mergeCacheControl([], false, false)).toBe('no-store');
    expect(mergeCacheControl(['max-age=300, public'], false, true)).toBe('no-store');
    expect(mergeCacheControl(['max-age=0, public'], false, false)).toBe('no-store');
  });
});
