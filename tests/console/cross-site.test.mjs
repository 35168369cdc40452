// A web page of another origin, opened by a person whose client certificate is installed, tries to act for her on
// her node: a no-cors fetch that publishes a release (no Content-Type, or text/plain) and a form that approves a
// request. Chromium marks them Sec-Fetch-Site: cross-site; the node refuses both, and its API (asked from Node.js
// with the person's certificate) shows nothing published and nothing approved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { launch, signIn, screenshot, origin, api } from './federation.mjs';

const run = randomBytes(4).toString('hex');
const list = `xs-${run}`;
const csv = 'signal,value,classification\nmd5,' + randomBytes(16).toString('hex') + ',deepfake-ncii\n';

let browser;
let attacker;
let attackerUrl;

// The hostile pages, served from http://127.0.0.1:<free port>: another scheme, host and port than the node's
// https://localhost:7201, so another site. Inline script is fine here: this is the attacker's page, not the console.
const pages = {
  '/publish': (q) => `<!doctype html><title>loading</title><script>
    const target = ${JSON.stringify(origin('kr-knpa'))} + '/api/v1/lists/' + ${JSON.stringify(q.get('list'))} + '/releases';
    const csv = ${JSON.stringify(csv)};
    Promise.all([
      fetch(target, { method: 'POST', mode: 'no-cors', credentials: 'include', body: new Blob([csv]) }),
      fetch(target, { method: 'POST', mode: 'no-cors', credentials: 'include', body: new Blob([csv], { type: 'text/plain' }) }),
    ]).then(() => { document.title = 'sent'; }, (e) => { document.title = 'failed: ' + e; });
  </script>`,
  '/approve': (q) => `<!doctype html><title>win a prize</title>
    <form id="form" method="POST" enctype="${q.get('enctype')}"
      action="${origin('kr-knpa')}/api/v1/requests/${encodeURIComponent(q.get('case'))}/actions/approve">
      <input type="hidden" name='{"a":"' value='"}'><button>Claim</button></form>`,
};

before(async () => {
  browser = await launch();
  attacker = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const page = pages[url.pathname];
    res.writeHead(page ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page ? page(url.searchParams) : 'not found');
  });
  await new Promise((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = (path) => `http://127.0.0.1:${attacker.address().port}${path}`;
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve()));
});

const releases = async () => {
  const r = await api('kr-knpa', 'officer', 'GET', `/api/v1/lists/kr-knpa/${list}/releases`);
  assert.equal(r.status, 200);
  return r.json.length;
};

test("a page of another origin cannot publish a release with the officer's certificate; the node's own page can", async () => {
  const created = await api('kr-knpa', 'officer', 'POST', '/api/v1/lists', { json: { id: list, title: `cross-site ${run}`, audience: 'all-peers', tlp: 'AMBER' } });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const { context, page, url } = await signIn(browser, 'kr-knpa', 'officer');

  // The control: the same browser and certificate, from the node's own origin and with the declared type, publishes.
  await page.goto(url('/console'));
  const own = await page.evaluate(async ([target, body]) =>
    (await fetch(target, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body })).status,
    [url(`/api/v1/lists/${list}/releases`), csv]);
  assert.equal(own, 201);
  assert.equal(await releases(), 1);

  const refused = [];
  page.on('response', (r) => { if (r.url().endsWith(`/api/v1/lists/${list}/releases`)) refused.push(r.status()); });
  await page.goto(attackerUrl(`/publish?list=${list}`));
  await page.waitForFunction(() => document.title !== 'loading', null, { timeout: 15_000 });
  assert.equal(await page.title(), 'sent', 'both requests left the browser (their answers are opaque to the page)');
  await screenshot(page, '60-cross-site-publish');
  // Both reached the node and were refused; the officer's list still has the one release she published herself.
  assert.deepEqual(refused.sort(), [403, 403]);
  assert.equal(await releases(), 1);
  await context.close();
});

test("a page of another origin cannot approve a request with the supervisor's certificate (four eyes hold)", async () => {
  const draft = await api('kr-knpa', 'officer', 'POST', '/api/v1/requests', {
    json: {
      type: 'preserve', profile: 'BUDAPEST:29', priority: 'normal', requestedNode: 'fr-ofmin', requesterRef: `KR-XS-${run}`,
      details: {
        issuingAuthority: 'KNPA Cyber Bureau', description: 'Distribution of a sexual deepfake video of an identified victim',
        legalProvisions: ['Sexual Crimes Act, Art 14-2'], offenceCategory: 'deepfake-ncii', serviceProvider: 'ExampleHost SAS',
        identifiers: [{ kind: 'account', value: `uploader-${run}` }], custodian: 'ExampleHost SAS, Paris', followUpIntended: true,
      },
    },
  });
  assert.equal(draft.status, 201, JSON.stringify(draft.json));
  const caseRef = draft.json.case.case;
  const submitted = await api('kr-knpa', 'officer', 'POST', `/api/v1/requests/${encodeURIComponent(caseRef)}/actions/submit`, { json: {} });
  assert.equal(submitted.status, 200, JSON.stringify(submitted.json));
  const state = async () => {
    const r = await api('kr-knpa', 'supervisor', 'GET', `/api/v1/requests/${encodeURIComponent(caseRef)}`, { justification: 'console e2e: cross-site check' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.case.state;
  };
  const before = await state();

  const { context, page } = await signIn(browser, 'kr-knpa', 'supervisor');
  // A plain form and the text/plain trick that makes a form body look like JSON.
  for (const enctype of ['application/x-www-form-urlencoded', 'text/plain']) {
    await page.goto(attackerUrl(`/approve?case=${encodeURIComponent(caseRef)}&enctype=${encodeURIComponent(enctype)}`));
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/actions/approve')),
      page.getByRole('button', { name: 'Claim' }).click(),
    ]);
    assert.equal(answer.status(), 403, enctype);
    assert.equal((await answer.json()).reason, 'cross-site-request', enctype);
  }
  await screenshot(page, '61-cross-site-approve');
  await context.close();
  assert.equal(await state(), before);
  assert.notEqual(before, 'approved');
});
