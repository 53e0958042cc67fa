// The project's catalog (integrations, triggers, filter operators) changes rarely; pages share one copy
// per project for a minute.
import { ADMIN, get } from './api.js';
import type { Catalog } from './types.js';

const cache = new Map<string, { at: number; value: Promise<Catalog> }>();

export function loadCatalog(projectId: string): Promise<Catalog> {
  const hit = cache.get(projectId);
  if (hit && Date.now() - hit.at < 60_000) return hit.value;
  const value = get<Catalog>(`${ADMIN}/projects/${projectId}/catalog`);
  cache.set(projectId, { at: Date.now(), value });
  value.catch(() => cache.delete(projectId));
  return value;
}
