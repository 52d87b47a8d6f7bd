/** Debian's Chromium, installed by test/services/chromium.sh. */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Chromium's flags for the UI test and the UI benchmark: headless as root, and no background
 * connections (the network is closed).
 */
export const chromiumFlags: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
