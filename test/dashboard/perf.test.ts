// Server time of every admin call the dashboard's pages make, on a project with 100k events (SQLite).
// Opt-in (DASHBOARD_PERF=1 npx vitest run test/dashboard/perf.test.ts): it takes a while to seed, and the
// suite never asserts on timing in CI. Prints a table; docs/dashboard.md records the last run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardPlugin } from '../../src/dashboard/plugin.js';
import type { NewEvent, Subscription } from '../../src/storage/port.js';
import { startTestkitWorld, type TestkitWorld } from '../helpers/testkit-setup.js';

const EVENTS = Number(process.env.DASHBOARD_PERF_EVENTS ?? 100_000);
const USERS = 200;
const BUDGET_MS = 200;

describe.skipIf(!process.env.DASHBOARD_PERF)(`dashboard queries on ${EVENTS} events`, () => {
  let w: TestkitWorld;
  const subs: Subscription[] = [];
  let someEventId = '';

  beforeAll(async () => {
    w = await startTestkitWorld('sqlite', { plugins: [dashboardPlugin()] });
    const pid = w.project.id;
    for (let u = 0; u < USERS; u++) {
      const userId = `user-${String(u).padStart(4, '0')}@example.com`;
      const c = await w.t.admin.post(`/admin/v1/projects/${pid}/users/${encodeURIComponent(userId)}/credentials`, { integration: 'testkit', accessToken: 'valid-token', providerAccountId: `acct_${u}` });
      const s = await w.t.admin.post(`/admin/v1/projects/${pid}/users/${encodeURIComponent(userId)}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_APP_EVENT', parameters: {}, credentialId: c.body.id });
      subs.push((await w.t.svc.storage.subscriptions.get(s.body.id))!);
    }
    const started = Date.now();
    const batch: NewEvent[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const sub = subs[i % subs.length]!;
      batch.push({ subscription: sub, dedupeKey: `e${i}`, payload: { id: `e${i}`, type: 'thing.happened', data: { n: i, text: 'x'.repeat(200) } } });
      if (batch.length === 5000) await w.t.svc.storage.events.record(batch.splice(0), Date.now() - (EVENTS - i) * 1000);
    }
    if (batch.length) await w.t.svc.storage.events.record(batch.splice(0), Date.now());
    console.log(`seeded ${EVENTS} events in ${Date.now() - started} ms`);
    const one = await w.t.admin.get(`/admin/v1/projects/${pid}/events?limit=1`);
    someEventId = one.body.events[0].id;
  }, 600_000);
  afterAll(async () => w?.close());

  it(`answers every page's calls within ${BUDGET_MS} ms of server time`, async () => {
    const pid = w.project.id;
    const sub = subs[7]!;
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const calls: Array<[string, string]> = [
      ['projects', '/admin/v1/projects'],
      ['catalog', `/admin/v1/projects/${pid}/catalog`],
      ['integrations', `/admin/v1/projects/${pid}/integrations`],
      ['users page', `/admin/v1/projects/${pid}/users?limit=25`],
      ['users search', `/admin/v1/projects/${pid}/users?search=0042&limit=25`],
      ['user detail', `/admin/v1/projects/${pid}/users/${encodeURIComponent(sub.userId)}`],
      ['events (first page)', `/admin/v1/projects/${pid}/events?limit=50`],
      ['events by user', `/admin/v1/projects/${pid}/events?userId=${encodeURIComponent(sub.userId)}&limit=50`],
      ['events by integration', `/admin/v1/projects/${pid}/events?integration=testkit&limit=50`],
      ['events by type', `/admin/v1/projects/${pid}/events?type=TESTKIT_TRIGGER_APP_EVENT&limit=50`],
      ['events by status (none match)', `/admin/v1/projects/${pid}/events?status=FAILED&limit=50`],
      ['events by subscription', `/admin/v1/projects/${pid}/events?subscriptionId=${sub.id}&limit=50`],
      ['events in last hour', `/admin/v1/projects/${pid}/events?from=${encodeURIComponent(hourAgo)}&limit=50`],
      ['events by type (none match)', `/admin/v1/projects/${pid}/events?type=TESTKIT_TRIGGER_HOOK_EVENT&limit=50`],
      ['events by user (none match)', `/admin/v1/projects/${pid}/events?userId=nobody&limit=50`],
      ['events in a window before any', `/admin/v1/projects/${pid}/events?to=2000-01-01T00:00:00Z&limit=50`],
      ['events by id', `/admin/v1/projects/${pid}/events?eventId=${someEventId}`],
      ['event detail', `/admin/v1/projects/${pid}/events/${someEventId}`],
      ['subscription log', `/admin/v1/projects/${pid}/subscriptions/${sub.id}/logs`],
    ];
    const app = w.t.svc.app!;
    const rows: Array<{ call: string; ms: number }> = [];
    for (const [name, url] of calls) {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const r = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' } });
        best = Math.min(best, performance.now() - t0);
        expect(r.statusCode, `${name}: ${r.body.slice(0, 200)}`).toBe(200);
      }
      rows.push({ call: name, ms: Math.round(best * 10) / 10 });
    }
    console.table(rows);
    for (const r of rows) expect(r.ms, r.call).toBeLessThan(BUDGET_MS);
  }, 120_000);
});
