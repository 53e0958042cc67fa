import { envelopeStatusTrigger } from './envelope-status.js';

export const envelopeVoidedTrigger = envelopeStatusTrigger('voided', 'Envelope voided', 'its sender voids');
