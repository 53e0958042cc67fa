// Health, readiness, metrics and the generated API reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { defaultPlugins } from '../../src/roles.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('operations endpoints', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ dialect: 'sqlite', plugins: defaultPlugins() });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers /healthz and /readyz, with a request id on every response', async () => {
    const h = await t.admin.get('/healthz');
    expect(h.body).toEqual({ status: 'ok' });
    expect(h.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await t.admin.get('/readyz')).body).toEqual({ status: 'ready' });
  });

  it('exposes Prometheus metrics for events, deliveries, latency, polls and queue depth', async () => {
    const m = await t.admin.get('/metrics');
    expect(m.headers['content-type']).toContain('text/plain');
    for (const name of ['opentriggers_events_detected_total', 'opentriggers_deliveries_total', 'opentriggers_delivery_latency_seconds', 'opentriggers_polls_total', 'opentriggers_delivery_queue_depth', 'opentriggers_process_resident_memory_bytes']) {
      expect(m.text, name).toContain(name);
    }
  });

  it('serves an OpenAPI document of every route, generated from the validating schemas', async () => {
    const doc = (await t.admin.get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths);
    for (const p of ['/projects/{projectId}/triggers', '/projects/{projectId}/trigger-subscriptions', '/projects/{projectId}/trigger-subscriptions/{id}', '/projects/{projectId}/triggers/examples', '/admin/v1/projects', '/admin/v1/projects/{projectId}/signing-keys', '/admin/v1/projects/{projectId}/events', '/healthz', '/hooks/s/{subscriptionId}']) {
      expect(paths, p).toContain(p);
    }
    const create = doc.paths['/projects/{projectId}/trigger-subscriptions'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['type']);
    const html = await request(`${t.url}/docs/`);
    expect(html.statusCode).toBe(200);
    expect(await html.body.text()).toContain('swagger');
  });

  it('answers unknown routes with the contract error body', async () => {
    const r = await t.admin.get('/nope');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 'NOT_FOUND', status: 404, meta: { requestId: expect.any(String) } });
  });
});
