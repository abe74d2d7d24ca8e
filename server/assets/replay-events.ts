/** The asset rewriting the routes that serve recorded events apply, by the recording's project. */
import type { Request } from 'express';
import type { RecordedEvent } from '../../contract/protocol.ts';
import type { AssetStore } from '../storage/asset-store.ts';
import { allowedAssetOrigins, createAssetUrlMapper } from './asset-urls.ts';
import { rewriteAssetUrls } from './rewrite.ts';

export type EventRewrite = (events: RecordedEvent[]) => RecordedEvent[];

const unchanged: EventRewrite = (events) => events;

/** The origin the viewer reached Sightline on: URLs there already pass its CSP. */
export function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

/**
 * How a response of the project's recorded events is rewritten for replay: in `proxy` mode allowed asset URLs
 * point at the proxy; in `block` mode (the default) nothing changes and the viewer's CSP blocks other hosts.
 */
export async function replayAssetRewrite(
  store: Pick<AssetStore, 'getAssetPolicy'>,
  projectId: number,
  req: Request,
): Promise<EventRewrite> {
  const policy = await store.getAssetPolicy(projectId);
  if (!policy || policy.mode !== 'proxy') return unchanged;
  const map = createAssetUrlMapper({
    projectKey: policy.projectKey,
    allowedOrigins: allowedAssetOrigins(policy),
    ownOrigin: ownOrigin(req),
  });
  return (events) => rewriteAssetUrls(events, map);
}
