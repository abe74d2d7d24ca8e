/** The devices scripted shoppers use: the three sizes the heatmaps split by, each with a user agent that matches. */
import type { BrowserContextOptions } from 'playwright-core';

export interface DeviceProfile {
  /** Short label for the traffic log. */
  name: string;
  kind: 'mobile' | 'tablet' | 'desktop';
  viewport: { width: number; height: number };
  userAgent: string;
  /** Share of shoppers on this device, relative to the others. */
  weight: number;
}

const safariMobile = 'AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const chromeDesktop = 'AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

export const deviceProfiles: readonly DeviceProfile[] = [
  { name: 'iphone', kind: 'mobile', viewport: { width: 390, height: 844 }, weight: 3,
    userAgent: `Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) ${safariMobile}` },
  { name: 'android', kind: 'mobile', viewport: { width: 390, height: 844 }, weight: 2,
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) '
      + 'Chrome/126.0.0.0 Mobile Safari/537.36' },
  { name: 'ipad', kind: 'tablet', viewport: { width: 820, height: 1180 }, weight: 1,
    userAgent: `Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) ${safariMobile}` },
  { name: 'mac', kind: 'desktop', viewport: { width: 1440, height: 900 }, weight: 2,
    userAgent: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${chromeDesktop}` },
  { name: 'windows', kind: 'desktop', viewport: { width: 1440, height: 900 }, weight: 2,
    userAgent: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${chromeDesktop} Edg/126.0.0.0` },
];

/** Options for a fresh browser context that looks like the device: touch and mobile layout on phones and tablets. */
export function contextOptions(device: DeviceProfile): BrowserContextOptions {
  const handheld = device.kind !== 'desktop';
  return {
    viewport: device.viewport,
    userAgent: device.userAgent,
    isMobile: handheld,
    hasTouch: handheld,
    // 1x although the real devices are 2-3x: recordings do not depend on it, and pixels cost the shared CPU.
    deviceScaleFactor: 1,
    locale: 'en-US',
  };
}

/** Picks a device by weight with a number in [0, 1). */
export function pickDevice(unit: number): DeviceProfile {
  const total = deviceProfiles.reduce((sum, device) => sum + device.weight, 0);
  let remaining = unit * total;
  for (const device of deviceProfiles) {
    remaining -= device.weight;
    if (remaining < 0) return device;
  }
  return deviceProfiles[deviceProfiles.length - 1];
}
