import type { SweepSpec } from '../sweep.js';

/** `GET /tickets?updated_since=…&order_type=asc`: oldest first, so tickets created during a sweep join its end. */
export const TICKETS: SweepSpec = { path: '/tickets', member: 'tickets', query: { order_type: 'asc' } };
