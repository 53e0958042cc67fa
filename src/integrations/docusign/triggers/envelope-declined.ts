import { envelopeStatusTrigger } from './envelope-status.js';

export const envelopeDeclinedTrigger = envelopeStatusTrigger('declined', 'Envelope declined', 'a recipient declines to sign');
