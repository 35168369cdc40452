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

/**
 * A request to `node`'s agency API from Node.js itself (no browser), as `person` with her certificate: what a test
 * uses to set a scene up and to check what the node holds afterwards. Resolves to { status, json }.
 */
export async function api(node, person, method, path, { json, justification } = {}) {
  const { request } = await import('node:https');
  const { readFileSync } = await import('node:fs');
  const body = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
  return new Promise((resolvePromise, reject) => {
    const req = request({
      host: 'localhost', port: nodes[node], method, path,
      ca: readFileSync(join(root, 'certs-dev', node, 'ca.crt')),
      cert: readFileSync(join(root, 'certs-dev', node, `${person}.crt`)),
      key: readFileSync(join(root, 'certs-dev', node, `${person}.key`)),
      headers: {
        ...(body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {}),
        ...(justification ? { 'X-Justification': justification } : {}),
      },
      timeout: 15_000,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
        resolvePromise({ status: res.statusCode, json: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 15 s`)));
    req.on('error', reject);
    req.end(body);
  });
}
