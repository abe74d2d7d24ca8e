import { describe, expect, test } from 'vitest';
import { projectFromSearch, projectSwitchUrl, withProject } from '../../../viewer/src/lib/project-param.ts';

describe('viewer | the chosen project in the page URL', () => {
  test('reads the project from the query before the hash; none or empty is no choice', () => {
    expect(projectFromSearch('?project=shop-b')).toBe('shop-b');
    expect(projectFromSearch('?x=1&project=shop%20b')).toBe('shop b');
    expect(projectFromSearch('')).toBeNull();
    expect(projectFromSearch('?project=')).toBeNull();
  });

  test('adds the project to API paths with and without a query, and only when one is chosen', () => {
    expect(withProject('/api/sessions', 'shop-b')).toBe('/api/sessions?project=shop-b');
    expect(withProject('/api/heatmaps?page=%2Fproduct%2F%3Aid&kind=click', 'shop-b')).toBe(
      '/api/heatmaps?page=%2Fproduct%2F%3Aid&kind=click&project=shop-b',
    );
    expect(withProject('/api/sessions?limit=5', null)).toBe('/api/sessions?limit=5');
    expect(withProject('/api/sessions?project=demo', 'shop-b')).toBe('/api/sessions?project=demo');
  });

  test('switching keeps the report page but not its query, and leaves a replay for the sessions list', () => {
    const at = (search: string, hash: string) => ({ pathname: '/', search, hash });
    expect(projectSwitchUrl(at('', '#/heatmaps?page=%2Fcart'), 'shop-b')).toBe('/?project=shop-b#/heatmaps');
    expect(projectSwitchUrl(at('?project=shop-a', '#/sessions/abc?t=5'), 'shop-b')).toBe('/?project=shop-b#/');
    expect(projectSwitchUrl(at('?project=shop-a', '#/?device=mobile'), 'shop-b')).toBe('/?project=shop-b#/');
    expect(projectSwitchUrl(at('', ''), 'demo')).toBe('/?project=demo#/');
  });
});
