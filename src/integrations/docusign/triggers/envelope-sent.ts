import { envelopeStatusTrigger } from './envelope-status.js';

export const envelopeSentTrigger = envelopeStatusTrigger('sent', 'Envelope sent', 'is sent to its recipients');
