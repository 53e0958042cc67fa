// What a process runs besides the core API, by role. Each background part and route group registers here,
// so main.ts stays a composition root and tests can start a service with exactly what they need.
import type { AppPlugin } from './http/app.js';
import type { RoleStarter } from './main.js';

export function defaultPlugins(): AppPlugin[] {
  return [];
}

export function defaultWorkers(): RoleStarter[] {
  return [];
}
