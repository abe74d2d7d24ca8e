/** Client of GET and PUT /api/settings/assets: whether replays get recorded images, fonts and styles, and from where. */
import type { AssetSettingsResponse } from '../../../contract/api.ts';
import { apiRequest, toQueryString } from './api.ts';

export type AssetMode = AssetSettingsResponse['mode'];

const path = (project?: string) => `/api/settings/assets${toQueryString({ project })}`;

/** The project's settings; without `project`, the server's default project. */
export function fetchAssetSettings(project?: string, signal?: AbortSignal): Promise<AssetSettingsResponse> {
  return apiRequest(path(project), { signal });
}

/** Saves the mode and the origins list in place of the old one; resolves with the settings as saved. */
export function saveAssetSettings(
  settings: { mode: AssetMode; origins: string[] },
  project?: string,
): Promise<AssetSettingsResponse> {
  return apiRequest(path(project), { method: 'PUT', body: settings });
}

/** The textarea's lines as origins: trimmed, without blank lines, repeats or a trailing slash (the server wants none). */
export function originsFromText(text: string): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim().replace(/\/+$/, ''));
  return [...new Set(lines.filter((line) => line !== ''))];
}
