// Structured JSON logs. Anything that can carry a secret is redacted by path, and request URLs are logged
// without their query string (OAuth codes, validation tokens).
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  '*.clientSecret',
  '*.webhookSecret',
  '*.signingSecret',
  '*.secret',
  '*.privateKey',
  '*.token',
];

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url.split('?')[0], id: req.id }),
    },
  });
}
