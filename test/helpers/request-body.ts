// Reading a request body in the fake providers (test/providers/*.ts).
import type { IncomingMessage } from 'node:http';

/** The body as JSON, or as form fields when it is form-encoded; `{}` when it is empty. */
export async function readJsonOrFormBody(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return JSON.parse(text);
}
