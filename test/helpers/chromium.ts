/**
 * Headless Chromium for browser tests: Debian's `chromium` (or `CHROMIUM_PATH`) driven by
 * playwright-core, with the flags this closed network needs. Outside CI a missing browser skips
 * the test with a message; under CI it is an error (`.ci/run` installs it).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where the browser is expected. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser is there; throws under CI when it is not, and warns otherwise.
 * `test` names the test file in the warning.
 */
export function chromiumPresent(test: string): boolean {
  const present = existsSync(CHROMIUM_PATH);
  if (!present && process.env.CI) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}, and CI is set: install it (apt-get install -y chromium)`,
    );
  }
  if (!present) {
    console.warn(
      `SKIPPED ${test}: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH); runs in CI`,
    );
  }
  return present;
}

/** Launches headless Chromium without the background traffic a closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
