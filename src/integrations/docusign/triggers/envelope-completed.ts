import { envelopeStatusTrigger } from './envelope-status.js';

export const envelopeCompletedTrigger = envelopeStatusTrigger('completed', 'Envelope completed', 'is completed (every recipient finished)');
