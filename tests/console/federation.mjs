// Shared set-up for the console tests: headless Debian Chromium (never a downloaded browser), one browser context
// per person with that person's client certificate from certs-dev/, and screenshots kept as artefacts.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
export const artifacts = process.env.CONSOLE_ARTIFACTS ?? join(here, 'artifacts');
mkdirSync(join(artifacts, 'screenshots'), { recursive: true });

/** Agency ports of the local federation (deploy/local/federation.sh). */
export const nodes = { 'kr-knpa': 7201, 'fr-ofmin': 7202, 'nl-police': 7203 };
export const laptop = { width: 1280, height: 800 };
export const tablet = { width: 820, height: 1180 };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // The machine has no network beyond loopback: keep Chromium from calling home at every start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export const origin = (node) => `https://localhost:${nodes[node]}`;

/** A browser context signed in as `person` (officer, supervisor, operator, auditor) of `node`. */
export async function signIn(browser, node, person, viewport = laptop) {
  const context = await browser.newContext({
    viewport,
    // The dev CAs are not in Chromium's trust store; the node's certificate is checked by the C# tests.
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
    clientCertificates: [{
      origin: origin(node),
      certPath: join(root, 'certs-dev', node, `${person}.crt`),
      keyPath: join(root, 'certs-dev', node, `${person}.key`),
    }],
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page, url: (path) => origin(node) + path };
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, 'screenshots', `${name}.png`), fullPage: true });
}

export async function menu(page) {
  return (await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).map((t) => t.trim());
}
