import { describe, expect, it } from 'vitest';
import { basecampError } from '../../src/integrations/basecamp/api.js';
import commentCreated from '../../src/integrations/basecamp/fixtures/comment-created.json' with { type: 'json' };
import todoCompleted from '../../src/integrations/basecamp/fixtures/todo-completed.json' with { type: 'json' };
import todoCreated from '../../src/integrations/basecamp/fixtures/todo-created.json' with { type: 'json' };
import { BASECAMP_USER_AGENT, basecampIntegration } from '../../src/integrations/basecamp/integration.js';
import { basecampWebhook, idOf, keyOf, projectIdParameter, todolistIdParameter } from '../../src/integrations/basecamp/webhooks.js';
import { hookUrlWithToken, type InboundRequest, type WebhookContext } from '../../src/sdk/index.js';
import type { BasecampParams } from '../../src/integrations/basecamp/webhooks.js';

const inbound = (body: unknown, method = 'POST'): InboundRequest => ({ method, url: '/hooks/s/x?token=t', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(JSON.stringify(body)), body });
const ctx = (params: BasecampParams) => ({ params, state: {} }) as unknown as WebhookContext<BasecampParams>;

describe('Basecamp webhook deliveries', () => {
  it('keys creations by recording and completions by event', () => {
    expect(keyOf({ kind: 'todo_created', keyBy: 'recording' }, todoCreated)).toBe('todo_created:1069479550');
    expect(keyOf({ kind: 'todo_completed', keyBy: 'event' }, todoCompleted)).toBe('todo_completed:1071916188');
    expect(keyOf({ kind: 'todo_completed', keyBy: 'event' }, { ...todoCompleted, id: undefined })).toBeNull();
    expect(keyOf({ kind: 'comment_created', keyBy: 'recording' }, { kind: 'comment_created' })).toBeNull();
    expect([idOf(12), idOf('12'), idOf(0), idOf(-1), idOf('1e3'), idOf(1.5), idOf(null)]).toEqual(['12', '12', null, null, null, null, null]);
  });

  it('maps only its own kind, recording type, project and to-do list to an item', () => {
    const done = basecampWebhook({ recordingType: 'Todo', kind: 'todo_completed', keyBy: 'event', usesTodolist: true });
    const p = { projectId: '2085958498' };
    expect(done.toItems(inbound(todoCompleted), ctx(p))).toEqual([{ key: 'todo_completed:1071916188', payload: todoCompleted, occurredAt: Date.parse(todoCompleted.created_at) }]);
    expect(done.toItems(inbound(todoCreated), ctx(p))).toEqual([]);
    expect(done.toItems(inbound(todoCompleted, 'GET'), ctx(p))).toEqual([]);
    expect(done.toItems(inbound(todoCompleted), ctx({ projectId: '1' }))).toEqual([]);
    expect(done.toItems(inbound(todoCompleted), ctx({ ...p, todolistId: '968814030' }))).toHaveLength(1);
    expect(done.toItems(inbound(todoCompleted), ctx({ ...p, todolistId: '5' }))).toEqual([]);
    expect(done.toItems(inbound({ ...todoCompleted, recording: { ...todoCompleted.recording, type: 'Kanban::Card' } }), ctx(p))).toEqual([]);
    expect(done.toItems(inbound([1, 2]), ctx(p))).toEqual([]);
    const comment = basecampWebhook({ recordingType: 'Comment', kind: 'comment_created', keyBy: 'recording' });
    expect(comment.toItems(inbound(commentCreated), ctx(p))).toMatchObject([{ key: 'comment_created:1069479611' }]);
    expect(done.deliveryId!(inbound(todoCompleted))).toBe('1071916188');
  });

  it('puts the secret in the registered payload URL query and verifies it as a shared secret', () => {
    expect(hookUrlWithToken('https://ot.example/hooks/s/abc', 's3cr3t')).toBe('https://ot.example/hooks/s/abc?token=s3cr3t');
    expect(basecampWebhook({ recordingType: 'Todo', kind: 'todo_created', keyBy: 'recording' }).verification).toEqual({ kind: 'sharedSecret', queryParam: 'token' });
  });
});

describe('Basecamp parameters, errors and declaration', () => {
  it('names the field of bad input', () => {
    expect(projectIdParameter.validate!('2085958498')).toBeNull();
    expect(projectIdParameter.validate!(undefined)).toContain('projectId');
    expect(projectIdParameter.validate!('12/../x')).toContain('projectId');
    expect(projectIdParameter.validate!(12)).toContain('projectId');
    expect(todolistIdParameter.validate!(undefined)).toBeNull();
    expect(todolistIdParameter.validate!('list')).toContain('todolistId');
  });

  it("explains the status, keeps Basecamp's message and classifies it", () => {
    const e = basecampError({ status: 404, headers: {}, body: { error: 'Not Found' } }, 'creating the webhook in project 1', 0);
    expect([e.kind, e.message]).toEqual(['permanent', 'Basecamp 404 creating the webhook in project 1: the project was not found, or this person cannot see it (Basecamp: Not Found)']);
    expect(basecampError({ status: 404, headers: { reason: 'Account Inactive' }, body: {} }, 'x', 0).message).toContain('account is inactive');
    expect(basecampError({ status: 507, headers: {}, body: null }, 'x', 0).message).toContain('webhook limit');
    expect(basecampError({ status: 429, headers: { 'retry-after': '3' }, body: {} }, 'x', 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
    expect(basecampError({ status: 503, headers: {}, body: {} }, 'x', 0).kind).toBe('transient');
  });

  it('declares Launchpad OAuth, the account id in the fixed API host path and the required User-Agent', () => {
    expect(basecampIntegration.apiBaseUrl).toBe('https://3.basecampapi.com/{accountId}');
    expect(basecampIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://launchpad.37signals.com/authorization/new', tokenUrl: 'https://launchpad.37signals.com/authorization/token', scopes: [] });
    expect(basecampIntegration.accountParameters).toEqual([expect.objectContaining({ name: 'accountId' })]);
    expect(basecampIntegration.defaultHeaders).toEqual({ 'user-agent': BASECAMP_USER_AGENT });
    // Basecamp wants the app's name and a link or e-mail in parentheses.
    expect(BASECAMP_USER_AGENT).toMatch(/^OpenTriggers \(.*https:\/\/.+\)$/);
    expect(basecampIntegration.triggers.map((t) => t.type)).toEqual(['BASECAMP_TRIGGER_TODO_CREATED', 'BASECAMP_TRIGGER_TODO_COMPLETED', 'BASECAMP_TRIGGER_MESSAGE_CREATED', 'BASECAMP_TRIGGER_COMMENT_CREATED']);
  });
});
