// Google Sheets: Google OAuth 2.0 (offline access for a refresh token), the Sheets API v4 on
// sheets.googleapis.com. Two polling triggers on the rows of one sheet. See docs/integrations/googleSheets.md.
import { defineIntegration } from '../../sdk/index.js';
import { googleOAuth2 } from '../../sdk/providers/google.js';
import { rowAdded } from './triggers/row-added.js';
import { rowUpdated } from './triggers/row-updated.js';

export const googleSheetsIntegration = defineIntegration({
  key: 'googleSheets',
  name: 'Google Sheets',
  // Read-only access to the user's spreadsheets (values.get, spreadsheets.get); a project can ask for more
  // in its config. https://developers.google.com/workspace/sheets/api/scopes
  auth: googleOAuth2(['https://www.googleapis.com/auth/spreadsheets.readonly']),
  apiBaseUrl: 'https://sheets.googleapis.com',
  docsUrl: 'https://developers.google.com/workspace/sheets/api/reference/rest',
  triggers: [rowAdded, rowUpdated],
});
