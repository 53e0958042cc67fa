import { notFound } from '../../errors.js';
import type { Project, Storage } from '../../storage/port.js';

export const adminSecurity = [{ bearerAuth: [] }];
export const projectParams = { type: 'object', required: ['projectId'], properties: { projectId: { type: 'string', format: 'uuid' } } } as const;

export async function loadProject(storage: Storage, projectId: string): Promise<Project> {
  const p = await storage.projects.get(projectId);
  if (!p) throw notFound('project');
  return p;
}
