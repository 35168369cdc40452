// The request scenario across two nodes' consoles: kr-knpa's officer drafts, its supervisor approves and sends,
// fr-ofmin's case handler acknowledges in fr-ofmin's console, and the officer sees the receipt and the running clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { launch, signIn, screenshot } from './federation.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const run = randomBytes(4).toString('hex');
let caseRef;

/** Opens a case with a justification and returns its state; `until` re-opens it (bounded) until the state is reached. */
async function openCase(page, url, until) {
  for (let attempt = 0; attempt < 40; attempt++) {
    await page.goto(url(`/console/requests/${caseRef}`));
    await page.getByLabel('Why are you consulting this?').fill(`console e2e ${run}: working the case`);
    await page.getByRole('button', { name: 'Open the case' }).click();
    const state = (await page.getByTestId('case-state').textContent()).trim();
    if (!until || state === until) return state;
    await page.waitForTimeout(1000);
  }
  throw new Error(`case ${caseRef} never reached ${until}`);
}

const actions = async (page) => (await page.getByTestId('actions').count())
  ? (await page.getByTestId('actions').getByRole('button').allTextContents()).map((t) => t.trim()) : [];

test('an officer drafts a request on a form driven by the profile, with plain-language messages, and submits it', async () => {
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'officer');
  await page.goto(url('/console/requests/new?type=police-info&profile=EU:2023/977&priority=urgent&requestedNode=fr-ofmin'));
  // The profile (Directive 2023/977) asks for a handling code and a summary of the facts.
  await page.getByLabel('Handling code').waitFor();
  await page.getByLabel('Summary of the facts').waitFor();
  await page.getByLabel('Your reference').fill(`KR-${run}`);
  await page.getByRole('button', { name: 'Save the draft' }).click();
  const missing = page.getByTestId('missing');
  await missing.waitFor();
  assert.match(await missing.textContent(), /Summary of the facts: required for this kind of request/);
  await screenshot(page, '10-new-request-missing');

  await page.getByLabel('Issuing authority').fill('KNPA Cyber Bureau');
  await page.getByLabel('Description of the offence').fill('Distribution of deepfake sexual images of a Korean victim on a French-hosted forum');
  await page.getByLabel('Legal provisions').fill('KR Act on Special Cases Concerning Sexual Crimes Art 14-2');
  await page.getByLabel('Summary of the facts').fill('Images found on 2026-11-20; uploader account believed to be in France');
  await page.getByLabel('Handling code').selectOption('H2');
  await page.getByRole('button', { name: 'Save the draft' }).click();
  await page.waitForURL(/\/console\/requests\/[^/]+$/);
  caseRef = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  assert.equal(await openCase(page, url), 'draft');
  assert.ok((await actions(page)).includes('Submit for review'));
  await page.getByRole('button', { name: 'Submit for review' }).click();
  await page.getByTestId('done').waitFor();
  assert.equal((await page.getByTestId('case-state').textContent()).trim(), 'in-review');
  await context.close();
});

test('the officer gets no approve button, and a forged approve POST is refused', async () => {
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'officer');
  await openCase(page, url);
  assert.ok(!(await actions(page)).includes('Approve'));
  const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  const visit = await page.locator('input[name="visit"]').first().getAttribute('value');
  const forged = await page.request.post(url(`/console/requests/${caseRef}?handler=Act`), {
    form: { __RequestVerificationToken: token, visit, action: 'approve' },
  });
  assert.equal(forged.status(), 403);
  assert.match(await forged.text(), /request-role|role/);
  assert.equal(await openCase(page, url), 'in-review');
  await context.close();
});

test('the supervisor approves and sends; the peer case handler acknowledges in the peer console', async () => {
  const kr = await signIn(browser, 'kr-knpa', 'supervisor');
  assert.equal(await openCase(kr.page, kr.url), 'in-review');
  await kr.page.getByRole('button', { name: 'Approve' }).click();
  await kr.page.getByTestId('done').waitFor();
  assert.equal((await kr.page.getByTestId('case-state').textContent()).trim(), 'approved');
  await kr.page.getByRole('button', { name: 'Send to the peer' }).click();
  await kr.page.getByTestId('done').waitFor();
  assert.equal((await kr.page.getByTestId('case-state').textContent()).trim(), 'sent');
  await kr.context.close();

  const fr = await signIn(browser, 'fr-ofmin', 'case-handler');
  for (let attempt = 0; attempt < 40; attempt++) {
    await fr.page.goto(fr.url('/console/requests?box=inbox'));
    if (await fr.page.locator(`tr[data-case="${caseRef}"]`).count()) break;
    await fr.page.waitForTimeout(1000);
  }
  const row = fr.page.locator(`tr[data-case="${caseRef}"]`);
  assert.equal((await row.getByTestId('state').textContent()).trim(), 'delivered');
  await screenshot(fr.page, '11-inbox-peer');
  assert.equal(await openCase(fr.page, fr.url), 'delivered');
  await fr.page.getByLabel('Your reference').fill(`FR-${run}`);
  await fr.page.getByRole('button', { name: 'Acknowledge' }).click();
  await fr.page.getByTestId('done').waitFor();
  assert.equal((await fr.page.getByTestId('case-state').textContent()).trim(), 'acknowledged');
  await screenshot(fr.page, '12-case-peer-acknowledged');
  await fr.context.close();
});

test('the officer sees the receipt and the running clock', async () => {
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'officer');
  assert.equal(await openCase(page, url, 'acknowledged'), 'acknowledged');
  const timeline = page.getByTestId('timeline');
  assert.equal(await timeline.locator('li[data-action="deliver"]').count(), 1, 'the delivery receipt is in the timeline');
  assert.equal(await timeline.locator('li[data-action="acknowledge"]').count(), 1);
  assert.match(await page.getByTestId('clock-running').textContent(), /running: .+ left/);
  await screenshot(page, '13-case-officer');
  await page.goto(url('/console/requests?box=outbox'));
  assert.equal(await page.locator(`tr[data-case="${caseRef}"]`).count(), 1);
  await screenshot(page, '14-outbox');
  await context.close();
});
