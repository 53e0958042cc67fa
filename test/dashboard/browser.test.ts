// The dashboard in a real browser (Debian's headless Chromium driven by playwright-core) against the real
// server on SQLite: sign in, set the webhook URL and send a test event, generate a signing key, open a
// user, switch a trigger on with parameters and a filter, watch an event arrive live in the logs, open it,
// redeliver it, bulk-redeliver failed events, browse the catalog, sign out.
//
// Screenshots go to a temporary folder; `npm run screenshots` writes them to docs/screenshots/ instead.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardPlugin } from '../../src/dashboard/plugin.js';
import { connectPlugin } from '../../src/http/routes/connect.js';
import { deliveryWorkerRole } from '../../src/delivery/role.js';
import { ccdemoIntegration } from '../helpers/ccdemo-integration.js';
import { behave, startFakeReceiver, type FakeReceiver } from '../helpers/fake-receiver.js';
import { TEST_ADMIN_TOKEN } from '../helpers/service.js';
import { startTestkitWorld, type TestkitWorld } from '../helpers/testkit-setup.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && process.env.CI) throw new Error(`dashboard browser tests need Chromium at ${CHROMIUM} (.ci/run installs it)`);
if (!HAVE_CHROMIUM) console.warn(`skipping the dashboard browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const SHOTS = process.env.DASHBOARD_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'ot-dashboard-'));
mkdirSync(SHOTS, { recursive: true });

describe.skipIf(!HAVE_CHROMIUM)('dashboard in Chromium (SQLite)', { timeout: 60_000 }, () => {
  let w: TestkitWorld;
  let receiver: FakeReceiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let subscriptionId: string;
  let eventId: string;
  const pageErrors: string[] = [];

  const shot = async (name: string, p: Page = page) => {
    // The page itself, without transient toasts, and as tall as its content (a full-page capture would
    // paint the sticky header in the middle).
    await p.waitForTimeout(300);
    const viewport = p.viewportSize()!;
    await p.evaluate(() => document.querySelector<HTMLElement>('.toasts')?.style.setProperty('visibility', 'hidden'));
    const height = await p.evaluate(() => document.documentElement.scrollHeight);
    await p.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(height, 4000)) });
    await p.screenshot({ path: join(SHOTS, `${name}.png`) });
    await p.setViewportSize(viewport);
    await p.evaluate(() => document.querySelector<HTMLElement>('.toasts')?.style.removeProperty('visibility'));
  };
  const toast = (text: string | RegExp) => page.locator('.toast', { hasText: text });

  beforeAll(async () => {
    receiver = await startFakeReceiver();
    receiver.script((req) => (req.path.startsWith('/fail') ? behave.status(500, 'receiver exploded') : behave.ok({ received: true })));
    w = await startTestkitWorld('sqlite', {
      plugins: [dashboardPlugin(), connectPlugin()],
      workers: [deliveryWorkerRole()],
      env: { OPENTRIGGERS_RETRY_SCHEDULE: '0' },
      moreIntegrations: [ccdemoIntegration],
    });
    base = w.t.url;
    const admin = w.t.admin;
    const pid = w.project.id;
    // A project that looks lived-in: a name, more users, another integration account.
    await admin.patch(`/admin/v1/projects/${pid}`, { name: 'Acme Production' });
    for (const [user, acct] of [['alice@acme.example', 'acct_alice'], ['bob@acme.example', 'acct_bob'], ['carol@acme.example', 'acct_carol']] as const) {
      const r = await admin.post(`/admin/v1/projects/${pid}/users/${encodeURIComponent(user)}/credentials`, { integration: 'testkit', accessToken: 'valid-token', providerAccountId: acct });
      expect(r.status).toBe(201);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 60_000);

  afterAll(async () => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    await browser?.close();
    await w?.close();
    await receiver?.close();
  });

  it('redirects to sign-in, refuses a wrong token, and signs in with the keyboard', async () => {
    await page.goto(`${base}/dashboard`);
    await page.waitForURL(/\/dashboard\/sign-in/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    await shot('sign-in');
    const token = page.getByLabel('Admin token');
    await token.fill('not-the-token');
    await token.press('Enter');
    await expect.poll(() => page.locator('#signin-error').textContent()).toContain('not the admin token');
    await token.fill(TEST_ADMIN_TOKEN);
    await token.press('Enter');
    await page.waitForURL(/\/dashboard\/projects$/);
    // The token is not kept anywhere the page's script can read.
    expect(await page.evaluate(() => document.cookie)).not.toContain('ot_session');
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(TEST_ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Acme Production' }).click();
    await page.waitForURL(/\/settings$/);
  });

  it('sets the webhook URL (validated) and sends a test event', async () => {
    const url = page.getByLabel('Webhook URL', { exact: true });
    await url.fill('not a url');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('#webhook-url-error').textContent()).toContain('full URL');
    await url.fill(`${receiver.url}acme/webhooks`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await toast('Webhook URL saved').waitFor();
    expect((await w.t.admin.get(`/admin/v1/projects/${w.project.id}`)).body.webhookUrl).toBe(`${receiver.url}acme/webhooks`);
    await page.getByRole('button', { name: 'Send test event' }).click();
    const result = page.locator('#test-result');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/HTTP 200 in \d+ ms/);
    expect(receiver.requests.some((r) => r.path === '/acme/webhooks' && typeof r.headers['webhook-signature'] === 'string')).toBe(true);
  });

  it('reveals the signing secret only on request, and explains the 24 h overlap before rotating', async () => {
    const secret = page.locator('#signing-secret');
    expect(await secret.textContent()).not.toContain(w.project.signingSecret);
    expect(await page.content()).not.toContain(w.project.signingSecret);
    await page.getByRole('button', { name: 'Reveal' }).click();
    await expect.poll(() => secret.textContent()).toBe(w.project.signingSecret);
    await page.getByRole('button', { name: 'Hide' }).click();
    await page.getByRole('button', { name: 'Rotate…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    expect(await dialog.textContent()).toContain('24 hours');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('generates a signing key whose private key is shown once, with a download', async () => {
    await page.getByRole('button', { name: 'Generate key pair' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save your private key now' });
    await dialog.waitFor();
    expect(await dialog.getByLabel(/Private key/).inputValue()).toContain('BEGIN PRIVATE KEY');
    await shot('signing-key');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download .pem' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.pem$/);
    await dialog.getByRole('button', { name: 'I have saved it' }).click();
    await expect.poll(() => page.locator('#signing-key-rows tr').count()).toBe(2);
    // Import a public key (EC P-256 → ES256); a malformed one gets the API's message.
    await page.getByRole('button', { name: 'Import public key' }).click();
    const pem = page.getByLabel('Public key (PEM)');
    await pem.fill('-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('publicKey: not a PEM-encoded public key').waitFor();
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await pem.fill(ec);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await toast('Public key imported').waitFor();
    await expect.poll(() => page.locator('#signing-key-rows tr').count()).toBe(3);
    await page.locator('#signing-key-rows tr', { hasText: 'ES256' }).getByRole('button', { name: /Delete signing key/ }).click();
    await expect.poll(() => page.locator('#signing-key-rows tr').count()).toBe(2);
    const keys = await w.t.admin.get(`/admin/v1/projects/${w.project.id}/signing-keys`);
    expect(keys.body.signingKeys).toHaveLength(2);
    expect(JSON.stringify(keys.body)).not.toContain('PRIVATE KEY');
  });

  it('shows the integration settings with the URLs to copy into the provider console', async () => {
    await page.locator('#int-testkit-details > summary').click();
    expect(await page.getByLabel('Inbound webhook URL', { exact: true }).inputValue()).toBe(`${base}/hooks/app/${w.project.id}/testkit`);
    expect(await page.getByLabel('OAuth redirect URL', { exact: true }).inputValue()).toBe(`${base}/oauth/callback`);
    await page.getByLabel('OAuth client id').fill('client-2');
    await page.getByRole('button', { name: 'Save Testkit' }).click();
    await toast('Testkit saved').waitFor();
    const cfg = await w.t.admin.get(`/admin/v1/projects/${w.project.id}/integrations/testkit`);
    expect(cfg.body).toMatchObject({ clientId: 'client-2', hasClientSecret: true, hasWebhookSecret: true });
  });

  it('sets the origins allowed to call the user API and to receive OAuth returns, naming a bad line', async () => {
    const cors = page.getByLabel('Front-end origins (CORS)');
    await cors.fill('https://app.acme.example\nhttps://admin.acme.example/settings');
    await page.getByRole('button', { name: 'Save front-end origins' }).click();
    await expect.poll(() => page.locator('#cors-origins-error').textContent()).toMatch(/^Line 2: must be an origin only/);
    expect(await cors.getAttribute('aria-invalid')).toBe('true');
    expect((await w.t.admin.get(`/admin/v1/projects/${w.project.id}/cors-origins`)).body.origins).toEqual([]);
    await cors.fill('https://app.acme.example\nhttp://localhost:3000/');
    await page.getByRole('button', { name: 'Save front-end origins' }).click();
    await toast('Front-end origins saved').waitFor();
    // The stored, normalised list is what the form shows now.
    await expect.poll(() => cors.inputValue()).toBe('https://app.acme.example\nhttp://localhost:3000');
    expect((await w.t.admin.get(`/admin/v1/projects/${w.project.id}/cors-origins`)).body.origins).toEqual(['https://app.acme.example', 'http://localhost:3000']);

    await page.getByLabel('OAuth connect: allowed return origins').fill('https://app.acme.example');
    await page.getByRole('button', { name: 'Save return origins' }).click();
    await toast('Return origins saved').waitFor();
    expect((await w.t.admin.get(`/admin/v1/projects/${w.project.id}/oauth-redirect-origins`)).body.origins).toEqual(['https://app.acme.example']);
    await shot('settings');
  });

  it('lists and searches connected users', async () => {
    await page.getByRole('link', { name: 'Connected users' }).click();
    await page.waitForURL(/\/users$/);
    await expect.poll(() => page.locator('table.users tbody tr').count()).toBe(4);
    await page.getByLabel('Search users').fill('bob');
    await expect.poll(() => page.locator('table.users tbody tr').count()).toBe(1);
    await page.getByLabel('Search users').fill('nobody-like-this');
    await page.getByText('No user matches').waitFor();
    await page.getByLabel('Search users').fill('');
    await page.getByRole('link', { name: 'user-1' }).click();
    await page.waitForURL(/\/users\/user-1$/);
  });

  it("switches a trigger on with parameters and a filter, showing the API's validation messages and the API call", async () => {
    await page.getByRole('heading', { name: 'Connected accounts' }).waitFor();
    expect(await page.locator('#credentials tbody tr').first().textContent()).toContain('acct_1');
    const row = page.locator('#trigger-TESTKIT_TRIGGER_ITEM_CREATED');
    const toggle = row.getByRole('switch', { name: /New item/ });
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.focus();
    await page.keyboard.press('Space');
    const form = row.getByRole('form', { name: /New New item subscription/ });
    await form.waitFor();
    // Submitting without the required folder: the message comes from the API's 400 body.
    await form.getByRole('button', { name: 'Create subscription' }).click();
    const folder = form.getByLabel(/^Folder/);
    await expect.poll(() => form.locator('.field-error').first().textContent()).toBe('Folder is required.');
    expect(await folder.getAttribute('aria-invalid')).toBe('true');
    await folder.fill('inbox');
    await form.getByLabel(/^Minimum priority/).fill('2');
    await form.getByRole('button', { name: '+ Add a condition' }).click();
    await form.getByLabel('Field').fill('title');
    await form.getByLabel('Operator').selectOption('$numberGreaterThan');
    await form.getByLabel('Value').fill('not a number');
    await form.getByRole('button', { name: 'Create subscription' }).click();
    await expect.poll(() => form.locator('.field-error').first().textContent()).toMatch(/^Filter: .*must be a number for \$numberGreaterThan/);
    await form.getByLabel('Operator').selectOption('$stringContains');
    await form.getByLabel('Value').fill('urgent');
    await form.locator('summary', { hasText: 'Equivalent API call' }).click();
    expect(await form.locator('.apicall pre').textContent()).toContain('"folder":"inbox"');
    await shot('user-trigger-form');
    await form.getByRole('button', { name: 'Create subscription' }).click();
    await toast('New item switched on').waitFor();
    const created = row.locator('.created');
    await created.waitFor();
    const curl = (await created.locator('pre').textContent()) ?? '';
    expect(curl).toContain(`curl -X POST '${base}/projects/${w.project.id}/trigger-subscriptions'`);
    expect(curl).toContain('Authorization: Bearer $USER_TOKEN');
    await created.getByRole('tab', { name: 'JavaScript' }).click();
    expect(await created.locator('pre').textContent()).toContain("method: 'POST'");
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await row.locator('.subscription .badge', { hasText: 'ACTIVE' }).waitFor();

    const user = await w.t.admin.get(`/admin/v1/projects/${w.project.id}/users/user-1`);
    const sub = user.body.subscriptions.find((s: any) => s.type === 'TESTKIT_TRIGGER_ITEM_CREATED');
    expect(sub.parameters).toEqual({ folder: 'inbox', minPriority: 2, filter: { operator: 'AND', conditions: [{ field: 'title', operator: '$stringContains', value: 'urgent' }] } });
    subscriptionId = sub.id;
    await created.getByRole('tab', { name: 'curl' }).click();
    await shot('user');

    // Edit: change the folder and clear the minimum priority (sent as null, so the key is removed).
    const card = row.locator('.subscription');
    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = card.getByRole('form', { name: /Edit New item subscription/ });
    expect(await edit.getByLabel(/^Folder/).inputValue()).toBe('inbox');
    await edit.getByLabel(/^Folder/).fill('inbox-2');
    await edit.getByLabel(/^Minimum priority/).fill('');
    await edit.locator('summary', { hasText: 'Equivalent API call' }).click();
    expect(await edit.locator('.apicall pre').textContent()).toContain('"minPriority":null');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await toast('Subscription updated').waitFor();
    await card.getByText('inbox-2').waitFor();
    const after = (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/users/user-1`)).body.subscriptions.find((s: any) => s.id === subscriptionId);
    expect(after.parameters).toEqual({ folder: 'inbox-2', filter: sub.parameters.filter });

    // The webhook override: mistakes are named at their fields before anything is sent; set, then cleared.
    await card.getByRole('button', { name: 'Edit' }).click();
    const override = card.getByRole('form', { name: /Edit New item subscription/ });
    await override.locator('summary', { hasText: 'Webhook override' }).click();
    await override.getByLabel(/^Extra headers/).fill('X-Tenant: acme');
    await override.getByLabel(/^Metadata/).fill('{"tenant": ');
    await override.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => override.locator('.field-error').allTextContents()).toEqual([
      'A URL is needed for headers or metadata to apply.',
      expect.stringMatching(/^Metadata is not valid JSON/),
    ]);
    expect(await override.getByLabel(/^Deliver to/).getAttribute('aria-invalid')).toBe('true');
    await override.getByLabel(/^Deliver to/).fill(`${receiver.url}/override`);
    await override.getByLabel(/^Metadata/).fill('{"tenant": "acme"}');
    await override.locator('summary', { hasText: 'Equivalent API call' }).click();
    expect(await override.locator('.apicall pre').textContent()).toContain('"webhookOverride":{"url":');
    await override.getByRole('button', { name: 'Save changes' }).click();
    // The form closes once the API has saved; until then its "Equivalent API call" shows the URL too.
    await override.waitFor({ state: 'detached' });
    await card.getByText(`${receiver.url}/override`).waitFor();
    const withOverride = (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/users/user-1`)).body.subscriptions.find((s: any) => s.id === subscriptionId);
    expect(withOverride.webhookOverride).toEqual({ url: `${receiver.url}/override`, headers: { 'X-Tenant': 'acme' }, metadata: { tenant: 'acme' } });
    await card.getByRole('button', { name: 'Edit' }).click();
    const clear = card.getByRole('form', { name: /Edit New item subscription/ });
    expect(await clear.getByLabel(/^Extra headers/).inputValue()).toBe('X-Tenant: acme');
    for (const label of [/^Deliver to/, /^Extra headers/, /^Metadata/]) await clear.getByLabel(label).fill('');
    await clear.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => card.getByText(`${receiver.url}/override`).count()).toBe(0);
    const cleared = (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/users/user-1`)).body.subscriptions.find((s: any) => s.id === subscriptionId);
    expect(cleared.webhookOverride ?? null).toBeNull();

    // Sync now: the next poll is due at once.
    await card.getByRole('button', { name: 'Sync now' }).click();
    await toast('Polling now; new items appear in Events').waitFor();
    expect((await w.t.svc.storage.subscriptions.get(subscriptionId))!.nextPollAt).toBeLessThanOrEqual(Date.now());

    // The same page at phone width: nothing overflows sideways.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await context.storageState(), isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await p.goto(page.url());
    await p.locator('#trigger-TESTKIT_TRIGGER_ITEM_CREATED .subscription').waitFor();
    await shot('user-390', p);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.close();
  });

  it('shows a new event live in the logs, opens it, and redelivers it with the same event id', async () => {
    await page.getByRole('link', { name: 'Logs' }).click();
    await page.waitForURL(/\/logs$/);
    await page.getByText('No events yet').waitFor();
    const sub = await w.t.svc.storage.subscriptions.get(subscriptionId);
    const [event] = await w.t.svc.storage.events.record([{ subscription: sub!, dedupeKey: 'item_42', payload: { id: 'item_42', folder: 'inbox', title: 'urgent: deploy failed', priority: 3, createdAt: Date.now() } }], Date.now());
    eventId = event!.id;
    // Live update: the row appears without a reload.
    const row = page.locator(`[data-event-id="${eventId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await receiver.waitFor(2); // the test event, then this one
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('DELIVERED');
    await row.click();
    const panel = page.locator('#event-panel');
    await panel.locator('.attempts tbody tr').first().waitFor();
    expect(await panel.locator('.json pre').first().textContent()).toContain('"title": "urgent: deploy failed"');
    expect(await panel.locator('.attempts').textContent()).toContain('200');
    await panel.getByRole('button', { name: 'Redeliver', exact: true }).click();
    await toast('Redelivery queued').waitFor();
    const sent = await receiver.waitFor(3);
    const deliveries = sent.filter((r) => r.headers['webhook-id'] === eventId);
    expect(deliveries).toHaveLength(2);
    await expect.poll(() => panel.locator('.attempts tbody tr:not(.attempt-detail)').count(), { timeout: 10_000 }).toBe(2);
    await panel.locator('.loglines li').first().waitFor();
  });

  it('filters the timeline and bulk-redelivers the failed events of a subscription', async () => {
    // A second subscription whose receiver always fails: its event ends FAILED and the subscription ERRORED.
    const failing = await w.t.admin.post(`/admin/v1/projects/${w.project.id}/users/alice%40acme.example/trigger-subscriptions`, {
      type: 'TESTKIT_TRIGGER_APP_EVENT', parameters: {}, webhookOverride: { url: `${receiver.url}fail` },
    });
    expect(failing.status).toBe(200);
    const sub = await w.t.svc.storage.subscriptions.get(failing.body.id);
    await w.t.svc.storage.events.record([{ subscription: sub!, dedupeKey: 'a_7', payload: { id: 'a_7', type: 'thing.happened', data: { amount: 42 } } }], Date.now());
    await expect.poll(async () => (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/events?status=FAILED`)).body.events.length, { timeout: 10_000 }).toBe(1);
    await page.getByLabel('Status').selectOption('FAILED');
    await page.waitForURL(/status=FAILED/);
    await expect.poll(() => page.locator('.timeline li').count(), { timeout: 10_000 }).toBe(1);
    await page.locator('.timeline li button').first().click();
    const panel = page.locator('#event-panel');
    await expect.poll(() => panel.locator('.attempts').textContent(), { timeout: 10_000 }).toContain('500');
    expect(await panel.textContent()).toContain('receiver exploded');
    // The subscription is ERRORED, so the redelivered event is held until it is re-activated.
    await panel.getByRole('button', { name: 'Redeliver failed events of this subscription' }).click();
    await toast('1 failed event queued for redelivery').waitFor();
    await expect.poll(async () => (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/events?status=HELD`)).body.events.length, { timeout: 10_000 }).toBe(1);
    const before = receiver.requests.length;
    await panel.getByRole('button', { name: 'Re-activate subscription' }).click();
    await toast('Subscription re-activated').waitFor();
    await expect.poll(() => receiver.requests.length, { timeout: 10_000 }).toBeGreaterThan(before);
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await expect.poll(() => page.locator('.timeline li').count()).toBe(2);
    await page.locator(`[data-event-id="${eventId}"]`).click();
    await expect.poll(() => panel.locator('.attempts tbody tr:not(.attempt-detail)').count()).toBe(2);
    await page.waitForTimeout(2600); // the highlight of new rows fades
    await shot('logs');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await page.getByLabel('Event id').fill(eventId);
    await expect.poll(() => page.locator('.timeline li').count()).toBe(1);
  });

  it('shows the catalog with parameters and example payloads', async () => {
    await page.getByRole('link', { name: 'Connected users' }).click();
    await page.locator('table.users tbody tr', { hasText: 'user-1' }).getByText('1 active').waitFor();
    await shot('users');
    await page.getByRole('link', { name: 'Catalog' }).click();
    await page.waitForURL(/\/catalog$/);
    const trigger = page.locator('.catalog-trigger', { hasText: 'TESTKIT_TRIGGER_ITEM_CREATED' });
    await trigger.locator('summary').click();
    expect(await trigger.textContent()).toContain('CONDITIONAL');
    expect(await trigger.locator('pre').textContent()).toContain('"folder": "inbox"');
    await shot('catalog');
  });

  it('creates a project from the project switcher and switches back', async () => {
    await page.locator('#project-select').selectOption('__new');
    await page.waitForURL(/\/projects\?new=1$/);
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByText('Give the project a name.').waitFor();
    await page.getByLabel('Name').fill('Acme Staging');
    await page.getByLabel(/^Webhook URL/).fill('ftp://example.com');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByText('The URL must start with https://').waitFor();
    await page.getByLabel(/^Webhook URL/).fill('');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/settings$/);
    await page.getByText('No signing key').waitFor();
    expect(await page.locator('#project-select option:checked').textContent()).toBe('Acme Staging');
    await page.locator('#project-select').selectOption(w.project.id);
    await page.waitForURL(new RegExp(`/projects/${w.project.id}/settings$`));
    await expect.poll(() => page.locator('#signing-key-rows tr').count()).toBe(2);
  });

  it('adds an account for a user; the token is never shown back', async () => {
    const user = 'bob@acme.example';
    await page.goto(`${base}/dashboard/projects/${w.project.id}/users/${encodeURIComponent(user)}`);
    await page.getByRole('heading', { name: 'Connected accounts' }).waitFor();
    await page.getByRole('button', { name: '+ Add an account' }).click();
    const form = page.getByRole('form', { name: 'Add an account' });
    await form.getByLabel('Integration').selectOption('testkit');
    await form.getByRole('button', { name: 'Add account' }).click();
    await form.getByText('Enter the access token.').waitFor();
    await form.getByLabel(/^Access token/).fill('valid-token');
    await form.getByLabel(/^Provider account id/).fill('acct_bob_2');
    await form.getByRole('button', { name: 'Add account' }).click();
    await toast('Account added').waitFor();
    await expect.poll(() => page.locator('#credentials tbody tr').count()).toBe(2);
    expect(await page.locator('#credentials').textContent()).toContain('acct_bob_2');
    expect(await page.content()).not.toContain('valid-token');
    const stored = (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/users/${encodeURIComponent(user)}`)).body.credentials;
    expect(stored.map((c: any) => c.providerAccountId).sort()).toEqual(['acct_bob', 'acct_bob_2']);
  });

  it('adds a client-credentials account with the details its integration names; the secret is never shown back', async () => {
    expect((await w.t.admin.put(`/admin/v1/projects/${w.project.id}/integrations/ccdemo`, { enabled: true })).status).toBe(200);
    const user = 'alice@acme.example';
    await page.goto(`${base}/dashboard/projects/${w.project.id}/users/${encodeURIComponent(user)}`);
    await page.getByRole('heading', { name: 'Connected accounts' }).waitFor();
    await page.getByRole('button', { name: '+ Add an account' }).click();
    const form = page.getByRole('form', { name: 'Add an account' });
    await form.getByLabel('Integration').selectOption('ccdemo');
    await form.getByLabel(/^Client id/).fill('cc-client');
    await form.getByRole('button', { name: 'Add account' }).click();
    await form.getByText('Enter the client secret.').waitFor();
    await form.getByLabel(/^Client secret/).fill('cc-secret-typed-once');
    await form.getByRole('button', { name: 'Add account' }).click();
    await form.getByText('extra.userId: required').waitFor(); // the service's own message, naming the field
    await form.getByLabel('userId').fill('42');
    await form.getByRole('button', { name: 'Add account' }).click();
    await toast('Account added').waitFor();
    await expect.poll(() => page.locator('#credentials tbody tr').count()).toBe(2);
    expect(await page.content()).not.toContain('cc-secret-typed-once');
    const detail = await w.t.admin.get(`/admin/v1/projects/${w.project.id}/users/${encodeURIComponent(user)}`);
    expect(detail.body.credentials.map((c: any) => c.integration).sort()).toEqual(['ccdemo', 'testkit']);
    expect(detail.text).not.toContain('cc-secret-typed-once');
  });

  it('deletes a user with their connected account, after confirming', async () => {
    const user = 'carol@acme.example';
    await page.goto(`${base}/dashboard/projects/${w.project.id}/users/${encodeURIComponent(user)}`);
    await page.getByRole('heading', { name: 'Connected accounts' }).waitFor();
    const confirmed: string[] = [];
    const onDialog = (d: { message(): string }) => void confirmed.push(d.message());
    page.on('dialog', onDialog);
    await page.getByRole('button', { name: `Delete user ${user}` }).click();
    await page.waitForURL(/\/users$/);
    page.off('dialog', onDialog);
    expect(confirmed[0]).toContain('1 connected account(s) and 0 subscriptions are removed');
    await toast('User deleted').waitFor();
    await expect.poll(() => page.locator('table.users tbody tr').count()).toBe(3);
    expect((await w.t.admin.get(`/admin/v1/projects/${w.project.id}/users/${encodeURIComponent(user)}`)).status).toBe(404);
  });

  it("says so on an event whose subscription was deleted, and offers no redelivery", async () => {
    const created = await w.t.admin.post(`/admin/v1/projects/${w.project.id}/users/bob%40acme.example/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_APP_EVENT', parameters: {} });
    expect(created.status).toBe(200);
    const sub = await w.t.svc.storage.subscriptions.get(created.body.id);
    const [event] = await w.t.svc.storage.events.record([{ subscription: sub!, dedupeKey: 'gone_1', payload: { id: 'gone_1' } }], Date.now());
    expect((await w.t.admin.delete(`/admin/v1/projects/${w.project.id}/users/bob%40acme.example/trigger-subscriptions/${sub!.id}`)).status).toBe(200);
    await page.goto(`${base}/dashboard/projects/${w.project.id}/logs?eventId=${event!.id}`);
    await page.locator(`[data-event-id="${event!.id}"]`).click();
    const panel = page.locator('#event-panel');
    await panel.locator('#subscription-deleted').waitFor();
    expect(await panel.getByRole('button', { name: 'Redeliver', exact: true }).count()).toBe(0);
  });

  it('erases a user with their events, after a confirmation that says it cannot be undone', async () => {
    const user = (await w.t.svc.storage.events.get(w.project.id, eventId))!.userId;
    const before = (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/events?userId=${encodeURIComponent(user)}`)).body.events.length;
    expect(before).toBeGreaterThan(0);
    await page.goto(`${base}/dashboard/projects/${w.project.id}/users/${encodeURIComponent(user)}`);
    await page.getByRole('heading', { name: 'Connected accounts' }).waitFor();
    const confirmed: string[] = [];
    const onDialog = (d: { message(): string }) => void confirmed.push(d.message());
    page.on('dialog', onDialog);
    await page.getByRole('button', { name: `Erase user ${user} and their events` }).click();
    await page.waitForURL(/\/users$/);
    page.off('dialog', onDialog);
    expect(confirmed[0]).toContain('is deleted for good. This cannot be undone.');
    await toast(`User erased with ${before} event(s)`).waitFor();
    expect((await w.t.admin.get(`/admin/v1/projects/${w.project.id}/events?userId=${encodeURIComponent(user)}`)).body.events).toEqual([]);
  });

  it('signs out, and the old session no longer opens the admin API', async () => {
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'ot_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/dashboard\/sign-in/);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    expect((await w.t.admin.withToken('').get('/admin/v1/projects', { cookie })).status).toBe(401);
  });
});
