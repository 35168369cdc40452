// End-to-end tests of the web console against a running local federation (deploy/local/federation.sh up).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, signIn, screenshot, menu, tablet, root } from './federation.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const run = randomBytes(4).toString('hex'); // tells this run's records from earlier runs' on the same databases
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

test('each role sees exactly the screens its roles allow', async () => {
  const expected = {
    officer: ['Overview', 'Requests', 'Match', 'Lists', 'Federation'],
    supervisor: ['Overview', 'Requests', 'Match', 'Lists', 'Federation'],
    operator: ['Overview', 'Requests', 'Lists', 'Federation'],
    auditor: ['Overview', 'Requests', 'Lists', 'Federation', 'Audit'],
  };
  for (const [person, items] of Object.entries(expected)) {
    const { context, page, url } = await signIn(browser, 'kr-knpa', person);
    await page.goto(url('/console'));
    assert.deepEqual(await menu(page), items, `${person}'s menu`);
    assert.match(await page.getByTestId('who').textContent(), new RegExp(`urn:federation:person:kr-knpa:${person}`));
    if (person === 'auditor') await screenshot(page, '01-overview-auditor');
    await context.close();
  }
});

test('an officer cannot open the audit screen', async () => {
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'officer');
  const response = await page.goto(url('/console/audit'));
  assert.equal(response.status(), 403);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Your role does not allow this' }).waitFor());
  await context.close();
});

test('a supervisor gets no publish button, and a forged publish POST with a valid antiforgery token is refused', async () => {
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'supervisor');
  await page.goto(url('/console/lists'));
  await page.getByTestId('lists').waitFor();
  assert.equal(await page.getByRole('link', { name: /Publish a release/ }).count(), 0, 'no publish button for a supervisor');
  // The token is genuine (this person's, this session's); only the role is wrong.
  const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  assert.ok(token && token.length > 20);
  const forged = await page.request.post(url('/console/lists/demo-deepfakes/publish?handler=Publish'), {
    form: { __RequestVerificationToken: token, Csv: Buffer.from('signal,value,classification\n').toString('base64'), CsvSha256: '00', ExpiresDays: '30' },
  });
  assert.equal(forged.status(), 403);
  // And through the API the same person is refused with a problem document naming the missing role.
  const api = await page.request.post(url('/api/v1/lists/demo-deepfakes/releases'), { headers: { 'Content-Type': 'text/csv' }, data: 'x' });
  assert.equal(api.status(), 403);
  assert.equal((await api.json()).reason, 'role-required');
  await context.close();
});

test('a POST without an antiforgery token is refused even for an officer', async () => {
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'officer');
  await page.goto(url('/console/lists'));
  const response = await page.request.post(url('/console/lists/demo-deepfakes/publish?handler=Publish'), {
    form: { Csv: 'eA==', CsvSha256: sha256('x'), ExpiresDays: '30' },
  });
  assert.equal(response.status(), 400);
  await context.close();
});

test('an officer publishes a release through the Lists screen after previewing additions and withdrawals', async () => {
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'officer');
  await page.goto(url('/console/lists'));
  await screenshot(page, '02-lists');
  const row = page.getByTestId('lists').getByRole('row').filter({ hasText: 'demo-deepfakes' });
  const before = Number(await row.locator('td').nth(3).textContent());
  await row.getByRole('link', { name: /Publish a release/ }).click();
  await page.getByRole('heading', { name: 'Publish a release of demo-deepfakes' }).waitFor();

  // Two new entries, and a withdrawal of the demo list's md5 entry (federation.sh up publishes it again).
  const demoMd5 = createHash('md5').update('demo-b').digest('hex');
  const csv = ['signal,value,classification,legal_basis,tags',
    `sha256,${sha256(`console-${run}-1`)},deepfake-ncii,KR-ACT-14-2,console`,
    `sha256,${sha256(`console-${run}-2`)},ncii,,console`,
    `md5,${demoMd5},-withdraw`].join('\n') + '\n';
  await page.getByLabel('CSV file').setInputFiles({ name: 'release.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Preview the changes' }).click();
  await page.getByTestId('preview').waitFor();
  assert.equal(await page.getByTestId('count-additions').textContent(), '2');
  assert.equal(await page.getByTestId('count-withdrawals').textContent(), '1');
  await screenshot(page, '03-publish-preview');

  await page.getByRole('button', { name: 'Sign and publish' }).click();
  await page.getByTestId('published').waitFor();
  assert.match(await page.getByTestId('published').textContent(), new RegExp(`Version ${before + 1} was published`));
  const last = page.getByTestId('releases').getByRole('row').last();
  assert.deepEqual((await last.locator('td').allTextContents()).slice(0, 3), [String(before + 1), '2', '1']);
  await screenshot(page, '04-releases');
  await context.close();
});

test('the Federation screen shows each peer with its sync health', async () => {
  // fr-ofmin pulled kr-knpa's feed when the federation came up.
  const { context, page, url } = await signIn(browser, 'fr-ofmin', 'operator');
  await page.goto(url('/console/federation'));
  const peers = page.getByTestId('peers');
  await peers.waitFor();
  const kr = peers.locator('tr[data-peer="kr-knpa"]');
  assert.equal(await kr.count(), 1);
  assert.equal(await peers.locator('tr[data-peer="nl-police"]').count(), 1);
  assert.match(await kr.getByTestId('last-sync').textContent(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  assert.match(await kr.getByTestId('lag').textContent(), /^\d+$/);
  assert.equal(await page.getByRole('heading', { name: "This node's checkpoint" }).count(), 0, 'the checkpoint is for auditors');
  await screenshot(page, '05-federation');
  await context.close();
});

test('an auditor states why, sees the checkpoint, and finds that consultation in the access log and its export', async () => {
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'auditor');
  const why = `console e2e ${run}: checking the log's witnesses`;
  await page.goto(url('/console/federation'));
  await page.getByLabel('Why are you consulting this?').fill(why);
  await page.getByRole('button', { name: 'Show the checkpoint' }).click();
  await page.getByText(`Recorded justification: ${why}`).waitFor();
  assert.ok((await page.getByTestId('checkpoint').count()) + (await page.getByText('No checkpoint has been signed yet.').count()) === 1);
  await screenshot(page, '06-federation-checkpoint');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
  await page.getByLabel('Why are you consulting this?').fill(`console e2e ${run}: reviewing consultations`);
  await page.getByLabel('Resource or justification contains').fill(run);
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  const log = page.getByTestId('access-log');
  await log.waitFor();
  const row = log.getByRole('row').filter({ hasText: why });
  assert.equal(await row.count(), 1, 'the checkpoint consultation is in the access log');
  assert.match(await row.textContent(), /urn:federation:person:kr-knpa:auditor/);
  assert.match(await row.textContent(), /POST \/console\/federation/);
  await screenshot(page, '07-audit');

  // The visit goes on without asking again; the export is recorded too.
  assert.equal(await page.getByLabel('Why are you consulting this?').count(), 0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /^at,person,roles,method,resource,justification/);
  assert.ok(csv.includes(why));
  await context.close();
});

test('an auditor downloads a proof of a release from the list screen: a C2SP tlog-proof of its log entry', async () => {
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'auditor');
  await page.goto(url('/console/lists/kr-knpa/demo-deepfakes'));
  await page.getByLabel('Why are you consulting this?').fill(`console e2e ${run}: was release 1 logged?`);
  await screenshot(page, '17-releases-proof');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('proof').first().click()]);
  assert.match(download.suggestedFilename(), /^kr-knpa-entry-\d+\.tlog-proof$/);
  const proof = await readFile(await download.path(), 'utf8');
  assert.match(proof, /^c2sp\.org\/tlog-proof@v1\nextra [A-Za-z0-9+/=]+\nindex \d+\n/);
  assert.match(proof, /\n\nfederation\.node\/kr-knpa\/log\n\d+\n/);
  await context.close();
});

/**
 * Drops a resized copy of the PDQ reference "bridge" image on fr-ofmin's Match screen and returns the PDQ hit's row.
 * federation.sh up publishes kr-knpa's demo list (audience fr-ofmin) with the reference image's PDQ hash, so the hit
 * is by PDQ distance, not identity.
 */
async function dropBridgeImage(page, url) {
  const image = await readFile(join(root, 'tests/Federation.Node.Tests/Vectors/pdq/upstream/pdq/data/bridge-mods/square-256x256.jpg'));
  await page.goto(url('/console/match'));
  await page.getByLabel('Why are you consulting this?').fill(`console e2e ${run}: seized image from case 42`);
  const drop = await page.evaluateHandle(({ bytes }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'seized.jpg', { type: 'image/jpeg' }));
    return transfer;
  }, { bytes: [...image] });
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: drop });
  await page.locator('#results > *').first().waitFor();
  const hits = page.getByTestId('hits');
  assert.equal(await page.getByTestId('error').count(), 0, await page.locator('#results').textContent());
  await hits.waitFor();
  return hits.getByRole('row').filter({ hasText: 'pdq' });
}

test('an image dropped on the Match screen matches the peer entry kr-knpa shares, and the officer sends feedback', async () => {
  const { context, page, url } = await signIn(browser, 'fr-ofmin', 'officer');
  const pdq = await dropBridgeImage(page, url);
  assert.equal(await pdq.getByTestId('origin').textContent(), 'kr-knpa');
  const distance = Number((await pdq.getByTestId('distance').textContent()).split('/')[0]);
  assert.ok(distance > 0 && distance <= 31, `PDQ distance ${distance}`);
  await screenshot(page, '09-match');

  await pdq.getByRole('combobox').selectOption('confirmed');
  await pdq.getByRole('button', { name: 'Send' }).click();
  await page.getByTestId('feedback-sent').waitFor();
  await context.close();
});

test('from that hit the officer starts a takedown request to kr-knpa, drafts it, and the case carries the hash reference', async () => {
  const { context, page, url } = await signIn(browser, 'fr-ofmin', 'officer');
  const pdq = await dropBridgeImage(page, url);
  await pdq.getByRole('link', { name: /^Start a request to kr-knpa about its demo-deepfakes entry/ }).click();
  await page.waitForURL(/\/console\/requests\/new\?/);
  // Addressed to the hit's origin, as takedown assistance (the officer may change both), with the entry's reference.
  assert.equal(await page.getByLabel('To', { exact: true }).inputValue(), 'kr-knpa');
  assert.equal(await page.getByLabel('Type', { exact: true }).inputValue(), 'takedown-assist');
  const reference = page.getByTestId('hash-ref');
  assert.match(await reference.textContent(), /kr-knpa\/demo-deepfakes\s*\d+\s*pdq\s*f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22/);
  assert.equal(await page.getByLabel('Identifiers (targets)').count(), 0, 'the reference says what to look for');
  await page.getByLabel('Your reference').fill(`FR-TD-${run}`);
  await page.getByLabel('Issuing authority').fill('OFMIN');
  await page.getByLabel('Description of the offence').fill('Sexual deepfake of an identified victim found on a seized phone');
  await page.getByLabel('Legal provisions').fill('Code pénal art. 226-8-1');
  await page.getByLabel('Basis of illegality').fill('OFMIN finding 2026-113');
  await page.getByLabel('Requested action').selectOption('remove');
  await screenshot(page, '15-new-request-from-hit');
  await page.getByRole('button', { name: 'Save the draft' }).click();
  await page.waitForURL(/\/console\/requests\/[^/?]+$/);
  await page.getByLabel('Why are you consulting this?').fill(`console e2e ${run}: takedown from a hit`);
  await page.getByRole('button', { name: 'Open the case' }).click();
  assert.equal((await page.getByTestId('case-state').textContent()).trim(), 'draft');
  assert.match(await page.getByTestId('hash-ref').textContent(), /kr-knpa\/demo-deepfakes\s*\d+\s*pdq\s*f8f8f0ce/);
  await screenshot(page, '16-case-hash-reference');
  await context.close();
});

test('a supervisor may match but gets no feedback button nor a request link; an operator gets no Match screen', async () => {
  const sup = await signIn(browser, 'fr-ofmin', 'supervisor');
  await sup.page.goto(sup.url('/console/match'));
  await sup.page.getByLabel('Why are you consulting this?').fill(`console e2e ${run}: review`);
  // The reference image's PDQ hash: kr-knpa's demo entry (its md5 entry is withdrawn by the publishing test above).
  await sup.page.getByLabel('Hashes, one a line').fill('pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22');
  await sup.page.getByRole('button', { name: 'Match the hashes' }).click();
  await sup.page.getByTestId('match-input').waitFor();
  assert.equal(await sup.page.getByTestId('hits').count(), 1, 'the supervisor sees the hit');
  assert.equal(await sup.page.getByRole('button', { name: 'Send' }).count(), 0);
  assert.equal(await sup.page.getByRole('link', { name: /Start a request/ }).count(), 0);
  await sup.context.close();
  const op = await signIn(browser, 'fr-ofmin', 'operator');
  assert.equal((await op.page.goto(op.url('/console/match'))).status(), 403);
  await op.context.close();
});

test('the console works at tablet width', async () => {
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'officer', tablet);
  await page.goto(url('/console/lists'));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= tablet.width, `no horizontal scrolling of the page (${width}px)`);
  // Keyboard: the first Tab reaches the skip link, which moves focus to the content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to content');
  await screenshot(page, '08-lists-tablet');
  await context.close();
});
