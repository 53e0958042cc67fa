// THE CATALOG: every built-in integration. Add a new one here (and in docs/catalog.md, generated).
import type { IntegrationDefinition } from '../sdk/index.js';

export const integrations: IntegrationDefinition[] = [];
