// "Send test event" (dashboard): one signed test envelope, sent synchronously to the project's webhook URL
// or to a `url` given in the body, with the same sender, headers and SSRF policy as real deliveries. Nothing
// is stored; the answer says what the receiver did.
import type { FastifyInstance } from 'fastify';
import { deliveryHeaders, serializeEnvelope, type Envelope } from '../../delivery/envelope.js';
import { activeSecrets } from '../../delivery/project-targets.js';
import { describeResult, WebhookSender } from '../../delivery/sender.js';
import { AppError } from '../../errors.js';
import type { AppContext } from '../app.js';
import { errorResponses } from '../schemas.js';
import { adminSecurity, loadProject, projectParams } from './common.js';

/** Someone is waiting on the answer in a browser: shorter than a real delivery's default of 15 s. */
const TEST_TIMEOUT_MS = 10_000;

export const TEST_TRIGGER_TYPE = 'OPENTRIGGERS_TEST_EVENT';

export function registerWebhookTestRoutes(app: FastifyInstance, ctx: AppContext) {
  const sender = new WebhookSender({ timeoutMs: TEST_TIMEOUT_MS, allowPrivate: ctx.allowPrivateWebhookUrls, connectionsPerOrigin: 2 });
  app.addHook('onClose', async () => sender.close());

  app.post('/projects/:projectId/webhook-test', {
    schema: {
      tags: ['admin: projects'],
      summary: 'Send a signed test event now and report what the receiver answered',
      security: adminSecurity,
      params: projectParams,
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: { url: { type: 'string', minLength: 1, maxLength: 2048, description: 'defaults to the project webhook URL' } },
      },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    const body = (req.body ?? {}) as { url?: string };
    const project = await loadProject(ctx.storage, projectId);
    const url = body.url ?? project.webhookUrl;
    if (!url) throw new AppError('VALIDATION_FAILED', 'url: the project has no webhook URL; set one or pass url', { parameter: 'url' });

    const now = ctx.now();
    const envelope: Envelope = {
      eventId: crypto.randomUUID(),
      userId: 'opentriggers-test-user',
      integration: 'opentriggers',
      triggerType: TEST_TRIGGER_TYPE,
      triggerSubscriptionId: null,
      credentialId: null,
      projectId,
      dateReceived: new Date(now).toISOString(),
      payload: { message: 'This is a test event from OpenTriggers.' },
      triggerSubscriptionMetadata: {},
    };
    const text = serializeEnvelope(envelope);
    const sign = { eventId: envelope.eventId, timestampSeconds: Math.floor(now / 1000), secrets: activeSecrets(project, now) };
    const result = await sender.send({ url, headers: deliveryHeaders(undefined), body: text, sign });
    return {
      eventId: envelope.eventId,
      statusCode: 'statusCode' in result ? result.statusCode : null,
      latencyMs: Math.round(result.latencyMs),
      ...('excerpt' in result ? { responseExcerpt: result.excerpt } : {}),
      ...(result.kind === 'success' ? {} : { error: describeResult(result) }),
    };
  });
}
