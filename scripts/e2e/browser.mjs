// Chromium (Debian's) driven by playwright-core, with the flags that work on this project's machines.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * @param {string} executablePath  e.g. setup().chromium
 * @returns {Promise<import('playwright-core').Browser>}
 */
export function launchBrowser(executablePath) {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
}
