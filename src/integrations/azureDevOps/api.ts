// Azure DevOps Services REST helpers: the organization (saved as credential extra `organization`, part of
// every URL: https://dev.azure.com/{organization}/_apis/…), the project parameter, and Azure DevOps' error
// bodies. https://learn.microsoft.com/en-us/rest/api/azure/devops/hooks/subscriptions/create
import { ProviderError, type HttpResponse, type ParameterDefinition } from '../../sdk/index.js';

export const API_VERSION = '7.1';

export interface ProjectParams {
  projectId: string;
}

// Organization names: letters, digits and '-' (not starting or ending with '-'), at most 50 characters.
const ORGANIZATION = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/;
// A project's GUID or its name (names may hold spaces; never '/', '\\', '?', '#', '%' and the like).
const PROJECT = /^[^\\/:*?"<>;#$%{}+=[\]|,]{1,64}$/;
const hasControl = (v: string) => [...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

export function projectIdProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '' || hasControl(value) || !PROJECT.test(value.trim()) || value.trim().startsWith('.') || value.trim().startsWith('_')) {
    return 'must be an Azure DevOps project id (a GUID) or project name';
  }
  return null;
}

export const projectParameters: ParameterDefinition[] = [
  {
    id: 'projectId',
    title: 'Project',
    type: 'TEXT',
    required: true,
    description: 'The project\'s id (a GUID, from GET /_apis/projects) in the organization of the connected account. The account needs permission to edit subscriptions in the project.',
    placeholder: '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
    validate: projectIdProblem,
  },
];

/** The organization the credential was connected for (credential extra `organization`). */
export function organizationOf(extra: Record<string, unknown>): string {
  const org = extra.organization;
  if (typeof org !== 'string' || !ORGANIZATION.test(org)) {
    throw new ProviderError('permanent', 'the Azure DevOps credential has no valid organization (credential extra "organization", e.g. "fabrikam")');
  }
  return org;
}

/** `/{organization}/_apis/{rest}?api-version=7.1` relative to apiBaseUrl (https://dev.azure.com). */
export function orgApi(extra: Record<string, unknown>, rest: string): string {
  return `/${encodeURIComponent(organizationOf(extra))}/_apis/${rest}${rest.includes('?') ? '&' : '?'}api-version=${API_VERSION}`;
}

/**
 * Azure DevOps' error text: `{"$id":"1","message":"TF400813: …","typeKey":"…","errorCode":0}` or a plain
 * string. Never echoes request headers.
 */
export function azureMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body !== '' ? body.slice(0, 300) : undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const m = (body as { message?: unknown }).message;
  return typeof m === 'string' && m !== '' ? m.slice(0, 300) : undefined;
}

/**
 * The answers ctx.http does not classify: 203 (Azure DevOps answers an unauthenticated request with a
 * 203 sign-in page rather than a 401) → auth; 400/403/404/409 → permanent with Azure DevOps' message.
 */
export function refused(what: string, res: HttpResponse): ProviderError {
  if (res.status === 203) return new ProviderError('auth', `Azure DevOps answered ${what} with its sign-in page (HTTP 203): the credential is not accepted`, 203);
  const message = azureMessage(res.body);
  return new ProviderError('permanent', `Azure DevOps refused ${what} (HTTP ${res.status}${message ? `: ${message}` : ''})`, res.status);
}
