// The SharePoint triggers' parameters: Graph ids, checked like every Graph id before they go into a path.
import type { ParameterDefinition } from '../../sdk/index.js';
import { graphId } from '../../sdk/providers/microsoft-graph.js';

export interface ListParams {
  siteId: string;
  listId: string;
}

export interface LibraryParams {
  driveId: string;
}

export const siteIdParameter: ParameterDefinition = {
  id: 'siteId', title: 'Site', type: 'TEXT', required: true,
  description: 'The site id (hostname,site-collection-id,web-id; e.g. from GET /sites/contoso.sharepoint.com:/sites/inventory).',
  placeholder: 'contoso.sharepoint.com,2C712604-1370-44E7-A1F5-426573FDA80A,2D2244C3-251A-49EA-93A8-39E1C3A060FE',
  validate: graphId,
};

export const listIdParameter: ParameterDefinition = {
  id: 'listId', title: 'List', type: 'TEXTAREA', required: true,
  description: 'The list id (a GUID, e.g. from GET /sites/{siteId}/lists).',
  placeholder: '22e03ef3-6ef4-424d-a1d3-92a337807c30',
  validate: graphId,
};

export const driveIdParameter: ParameterDefinition = {
  id: 'driveId', title: 'Document library', type: 'TEXTAREA', required: true,
  description: 'The document library\'s drive id (e.g. from GET /sites/{siteId}/drives, or GET /sites/{siteId}/drive for the default library).',
  placeholder: 'b!-RIj2DuyvEyV1T4NlOaMHk8XkS_I8MdFlUCq1BlcjgmhRfAj3-Z8RY2VpuvV_tpd',
  validate: graphId,
};

// Ids go into paths as they are: graphId() refused what would change a path's meaning, and a site id's commas
// are part of it (Graph's own examples write them unescaped).
/** The list subscription's resource (https://learn.microsoft.com/graph/api/subscription-post-subscriptions: `sites/{site-id}/lists/{list-id}`). */
export const listResource = (p: ListParams) => `sites/${p.siteId}/lists/${p.listId}`;
export const listDeltaFeed = (p: ListParams) => ({ path: `/${listResource(p)}/items/delta`, query: { $expand: 'fields' } });
/** A document library's root: the only folder a OneDrive for Business / SharePoint drive subscription may name. */
export const libraryResource = (p: LibraryParams) => `drives/${p.driveId}/root`;
export const libraryDeltaFeed = (p: LibraryParams) => ({ path: `/${libraryResource(p)}/delta` });
