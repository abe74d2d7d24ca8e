/** The outbound policy's check when a URL is saved (a webhook, an asset origin), as the API's 400. */
import { HttpError } from '../http/errors.ts';
import { OutboundRefused, type OutboundPolicy } from '../outbound/policy.ts';

/**
 * Resolves and judges each URL now, so an internal or unresolvable one is refused when it is saved rather than at
 * its first request; the policy checks again at every request, since DNS can change in between. All are looked up
 * at once; the first refused, in the order given, answers 400 with the policy's code (`forbidden_address`,
 * `unresolvable_host`) and the field it came from.
 */
export async function requireReachable(outbound: OutboundPolicy, targets: ReadonlyArray<{ field: string; url: URL }>): Promise<void> {
  const verdicts = await Promise.allSettled(targets.map(({ url }) => outbound.check(url)));
  verdicts.forEach((verdict, index) => {
    if (verdict.status === 'fulfilled') return;
    const error: unknown = verdict.reason;
    if (!(error instanceof OutboundRefused)) throw error;
    throw new HttpError(400, error.code, `${targets[index]!.field}: ${error.message}`);
  });
}
