/** The asset rewriting the routes that serve recorded events apply, by the recording's project. */
import type { RecordedEvent } from '../../contract/protocol.ts';
import type { AssetStore } from '../storage/asset-store.ts';
import { acceptsAssetUrl, createAssetUrlMapper } from './asset-urls.ts';
import { rewriteAssetUrls } from './rewrite.ts';

export type EventRewrite = (events: RecordedEvent[]) => RecordedEvent[];

const unchanged: EventRewrite = (events) => events;

/**
 * How a response of the project's recorded events is rewritten for replay: in `public` and `proxy` mode the asset
 * URLs the proxy would fetch point at it, signed; in `block` mode nothing changes and the viewer's CSP blocks other
 * hosts. URLs on `viewerOrigins` (http/same-origin.ts) stay in every mode: the CSP allows them, and the proxy could
 * not fetch them anyway when Sightline listens on a loopback or private address, as the demo store's do.
 */
export async function replayAssetRewrite(
  store: Pick<AssetStore, 'getAssetPolicy' | 'assetUrlKey'>,
  projectId: number,
  viewerOrigins: ReadonlySet<string>,
): Promise<EventRewrite> {
  const policy = await store.getAssetPolicy(projectId);
  if (!policy || policy.mode === 'block') return unchanged;
  const map = createAssetUrlMapper({
    projectKey: policy.projectKey,
    accepts: (url) => acceptsAssetUrl(policy, url),
    urlKey: await store.assetUrlKey(),
    ownOrigins: viewerOrigins,
  });
  return (events) => rewriteAssetUrls(events, map);
}
