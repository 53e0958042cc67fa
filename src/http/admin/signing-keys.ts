// Project signing keys: the public halves verify user tokens. A generated private key is shown once.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError, notFound } from '../../errors.js';
import type { AppContext } from '../app.js';
import { signingKeyJson } from '../present.js';
import { errorResponses } from '../schemas.js';
import { adminSecurity, loadProject } from './common.js';

const keyParams = {
  type: 'object',
  required: ['projectId', 'keyId'],
  properties: { projectId: { type: 'string', format: 'uuid' }, keyId: { type: 'string', format: 'uuid' } },
} as const;

/** RS256 for RSA keys of at least 2048 bits, ES256 for P-256 keys; anything else is refused. */
export function algorithmOf(key: KeyObject): 'RS256' | 'ES256' {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048) return 'RS256';
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'ES256';
  throw new AppError('VALIDATION_FAILED', 'publicKey: must be an RSA key of at least 2048 bits or an EC P-256 key', { parameter: 'publicKey' });
}

export function registerSigningKeyRoutes(app: FastifyInstance, ctx: AppContext) {
  const tags = ['admin: signing keys'];
  app.post('/projects/:projectId/signing-keys', {
    schema: {
      tags,
      summary: 'Generate a key pair ({}) or import a public key ({publicKey})',
      security: adminSecurity,
      params: { type: 'object', properties: { projectId: { type: 'string', format: 'uuid' } } },
      body: { type: ['object', 'null'], additionalProperties: false, properties: { publicKey: { type: 'string', minLength: 1, maxLength: 10_000 } } },
      response: { ...errorResponses },
    },
  }, async (req, reply) => {
    const { projectId } = req.params as { projectId: string };
    await loadProject(ctx.storage, projectId);
    const body = (req.body ?? {}) as { publicKey?: string };
    if (body.publicKey !== undefined) {
      let key: KeyObject;
      try {
        key = createPublicKey(body.publicKey);
      } catch {
        throw new AppError('VALIDATION_FAILED', 'publicKey: not a PEM-encoded public key', { parameter: 'publicKey' });
      }
      if (key.type !== 'public') throw new AppError('VALIDATION_FAILED', 'publicKey: must be a public key', { parameter: 'publicKey' });
      const pem = key.export({ type: 'spki', format: 'pem' }).toString();
      const k = await ctx.storage.signingKeys.create({ projectId, publicKey: pem, algorithm: algorithmOf(key) });
      return reply.status(201).send({ id: k.id, publicKey: k.publicKey, algorithm: k.algorithm });
    }
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicKey = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const k = await ctx.storage.signingKeys.create({ projectId, publicKey, algorithm: 'RS256' });
    // The private key is not stored: this response is the only place it ever appears.
    return reply.status(201).send({ id: k.id, publicKey, privateKey, algorithm: 'RS256' });
  });

  app.get('/projects/:projectId/signing-keys', {
    schema: { tags, summary: 'List signing keys (public halves)', security: adminSecurity, params: { type: 'object', properties: { projectId: { type: 'string', format: 'uuid' } } } },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    await loadProject(ctx.storage, projectId);
    return { signingKeys: (await ctx.storage.signingKeys.list(projectId)).map(signingKeyJson) };
  });

  app.get('/projects/:projectId/signing-keys/:keyId', { schema: { tags, summary: 'One signing key', security: adminSecurity, params: keyParams } }, async (req) => {
    const { projectId, keyId } = req.params as { projectId: string; keyId: string };
    const k = (await ctx.storage.signingKeys.list(projectId)).find((x) => x.id === keyId);
    if (!k) throw notFound('signing key');
    return signingKeyJson(k);
  });

  app.delete('/projects/:projectId/signing-keys/:keyId', { schema: { tags, summary: 'Delete a signing key', security: adminSecurity, params: keyParams } }, async (req) => {
    const { projectId, keyId } = req.params as { projectId: string; keyId: string };
    if (!(await ctx.storage.signingKeys.delete(projectId, keyId))) throw notFound('signing key');
    return { success: true };
  });
}
