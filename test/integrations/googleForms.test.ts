// Google Forms, source level: GOOGLE_FORMS_TRIGGER_NEW_RESPONSE polling the fake Forms API over real HTTP —
// catalog and parameters, timestamp normalization, the baseline (form checked, nothing delivered), new
// responses once, responses sharing a timestamp across pages, a long query carried over polls, edits of old
// responses not reported as new, and errors (404, 429, 403 rate limit, 401, 5xx).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import list from '../../src/integrations/googleForms/fixtures/list-responses.json' with { type: 'json' };
import { normalizeTimestamp, validateFormId } from '../../src/integrations/googleForms/api.js';
import { googleFormsIntegration } from '../../src/integrations/googleForms/integration.js';
import { MAX_PAGES, OVERLAP_MS } from '../../src/integrations/googleForms/triggers/responses.js';
import { ProviderError, type PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { PollRunner, httpFor, rateLimited, sourceContext } from '../providers/google-calendar.js';
import { startFakeGoogleForms, type FakeGoogleForms } from '../providers/google-forms.js';

const NEW = 'GOOGLE_FORMS_TRIGGER_NEW_RESPONSE';
const FORM = '1mYF0rmIdExample0123456789abcdefghijklmnop';
const trigger = googleFormsIntegration.triggers[0]!;
const iso = (ms: number) => new Date(ms).toISOString();

describe('Google Forms catalog and parameters', () => {
  it('declares one polling trigger with a required formId, read-only scopes and an example from the fixture', () => {
    expect(googleFormsIntegration.key).toBe('googleForms');
    expect(googleFormsIntegration.auth).toMatchObject({
      kind: 'oauth2',
      scopes: ['https://www.googleapis.com/auth/forms.body.readonly', 'https://www.googleapis.com/auth/forms.responses.readonly'],
    });
    expect(googleFormsIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([[NEW, 'poll']]);
    expect(trigger.parameters.map((p) => [p.id, p.required])).toEqual([['formId', true]]);
    expect(trigger.examplePayload).toMatchObject({ formId: FORM, responseId: list.responses[0]!.responseId, lastSubmittedTime: '2024-03-24T01:58:09.055199Z' });
  });

  it('validates form ids and normalizes Google timestamps so they compare as strings', () => {
    expect(validateFormId(FORM)).toBeNull();
    expect(validateFormId(`https://docs.google.com/forms/d/${FORM}/edit`)).toMatch(/form id/);
    expect(validateFormId(7)).toMatch(/form id/);
    expect(normalizeTimestamp('2024-03-24T01:58:09.055Z')).toBe('2024-03-24T01:58:09.055000000Z');
    expect(normalizeTimestamp('2024-03-24T01:58:09Z')).toBe('2024-03-24T01:58:09.000000000Z');
    expect(normalizeTimestamp('2024-03-24T01:58:09.055199Z')! > normalizeTimestamp('2024-03-24T01:58:09.055Z')!).toBe(true);
    expect(normalizeTimestamp('yesterday')).toBeNull();
  });
});

describe('Google Forms new responses against the fake Forms API', () => {
  let forms: FakeGoogleForms;
  let clock: TestClock;
  const runner = () => new PollRunner(trigger.source as PollSource, () => sourceContext(httpFor(googleFormsIntegration, forms.url), { formId: FORM }, clock.now));
  const submit = (id: string, at: number, extra: Record<string, unknown> = {}) => forms.submit(FORM, { responseId: id, createTime: iso(at), ...extra });

  beforeEach(async () => {
    clock = new TestClock(Date.parse('2024-03-24T03:00:00Z'));
    forms = await startFakeGoogleForms();
    forms.addForm(FORM, 'Event sign-up');
    for (const r of list.responses) forms.forms.get(FORM)!.responses.push({ ...r });
  });
  afterEach(async () => {
    await forms.close();
  });

  it('baseline: checks the form, delivers nothing; then each new response once, with the fixture shape', async () => {
    const run = runner();
    submit('recent-before', clock.now() - 60_000);
    expect(await run.poll()).toEqual([]);
    expect(forms.requests.map((r) => r.path)).toEqual([`/v1/forms/${FORM}`, `/v1/forms/${FORM}/responses`]);
    expect(forms.listCalls()[0]!.filter).toBe(`timestamp >= ${iso(clock.now() - OVERLAP_MS).replace('Z', '000000Z')}`);

    clock.advance(60_000);
    const fresh = { ...list.responses[0]!, responseId: 'new-1', createTime: iso(clock.now()), lastSubmittedTime: iso(clock.now()) };
    forms.forms.get(FORM)!.responses.push(fresh);
    const got = await run.poll();
    expect(got.map((i) => i.key)).toEqual(['new-1']);
    expect(got[0]!.payload).toEqual({ formId: FORM, ...fresh });
    expect(await run.poll()).toEqual([]);
    expect(run.delivered.map((i) => i.key)).toEqual(['new-1']);
  });

  it('reads again from the newest timestamp seen (inclusive, minus the overlap): a late response sharing it is not skipped', async () => {
    const run = runner();
    await run.poll();
    const t = clock.now() + 10 * 60_000;
    clock.advance(11 * 60_000);
    submit('a', t);
    expect((await run.poll()).map((i) => i.key)).toEqual(['a']);
    const filter = forms.listCalls().at(-1)!.filter;
    submit('b', t); // same instant, visible only now
    expect((await run.poll()).map((i) => i.key)).toEqual(['b']);
    expect(forms.listCalls().at(-1)!.filter).not.toBe(filter);
    expect(forms.listCalls().at(-1)!.filter!.startsWith('timestamp >= ')).toBe(true);
    expect(forms.listCalls().at(-1)!.filter! <= `timestamp >= ${iso(t)}`).toBe(true);
  });

  it('responses sharing one timestamp across pages are all delivered once; pages per poll are bounded and the query carries on', async () => {
    const run = runner();
    await run.poll();
    forms.maxPageSize = 2;
    const t = clock.now() + 1000;
    const ids = Array.from({ length: 2 * MAX_PAGES + 3 }, (_, i) => `same-${String(i).padStart(2, '0')}`);
    for (const id of ids) submit(id, t);
    clock.advance(5000);
    const calls = forms.listCalls().length;
    const first = await run.poll();
    expect(forms.listCalls().length - calls).toBe(MAX_PAGES);
    expect(first).toHaveLength(2 * MAX_PAGES);
    const before = forms.listCalls().length;
    const second = await run.poll();
    expect(forms.listCalls()[before]!.pageToken).not.toBeNull(); // carried on, same filter
    expect(forms.listCalls()[before]!.filter).toBe(forms.listCalls()[calls]!.filter);
    expect([...first, ...second].map((i) => i.key).sort()).toEqual(ids);
    expect(await run.poll()).toEqual([]);
  });

  it('an old response edited after the subscription started is not reported as new', async () => {
    const run = runner();
    await run.poll();
    const old = forms.forms.get(FORM)!.responses[0]!;
    clock.advance(60_000);
    old.lastSubmittedTime = iso(clock.now());
    expect(await run.poll()).toEqual([]);
  });

  it('an unknown form fails the baseline with a permanent error carrying Google\'s message and no token', async () => {
    forms.forms.clear();
    const err = await runner().poll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'permanent', status: 404 });
    expect((err as Error).message).toContain(FORM);
    expect((err as Error).message).toContain('Requested entity was not found.');
    expect((err as Error).message).not.toContain('valid-token');
  });

  it('classifies 429, 403 rate limits, 401 and 5xx', async () => {
    const run = runner();
    await run.poll();
    const kinds: unknown[] = [];
    for (const failure of [rateLimited.tooMany(30), rateLimited.userRateLimit(), rateLimited.backendError(503)]) {
      forms.failNext(1, failure);
      kinds.push(await run.poll().catch((e: ProviderError) => [e.kind, e.retryAfterMs]));
    }
    expect(kinds).toEqual([['rate_limited', 30_000], ['rate_limited', undefined], ['transient', undefined]]);
    forms.validTokens.clear();
    expect(await run.poll().catch((e: ProviderError) => e.kind)).toBe('auth');
  });
});
