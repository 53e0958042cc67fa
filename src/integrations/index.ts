// THE CATALOG: every built-in integration. Add a new one here (and in docs/catalog.md, generated).
import type { IntegrationDefinition } from '../sdk/index.js';
import { airtableIntegration } from './airtable/integration.js';
import { asanaIntegration } from './asana/integration.js';
import { boxIntegration } from './box/integration.js';
import { calendlyIntegration } from './calendly/integration.js';
import { clickupIntegration } from './clickup/integration.js';
import { dropboxIntegration } from './dropbox/integration.js';
import { githubIntegration } from './github/integration.js';
import { gitlabIntegration } from './gitlab/integration.js';
import { gmailIntegration } from './gmail/integration.js';
import { googleCalendarIntegration } from './googleCalendar/integration.js';
import { googleDriveIntegration } from './googledrive/integration.js';
import { hubspotIntegration } from './hubspot/integration.js';
import { intercomIntegration } from './intercom/integration.js';
import { jiraIntegration } from './jira/integration.js';
import { linearIntegration } from './linear/integration.js';
import { mailchimpIntegration } from './mailchimp/integration.js';
import { microsoftTeamsIntegration } from './microsoftTeams/integration.js';
import { notionIntegration } from './notion/integration.js';
import { outlookIntegration } from './outlook/integration.js';
import { pipedriveIntegration } from './pipedrive/integration.js';
import { salesforceIntegration } from './salesforce/integration.js';
import { slackIntegration } from './slack/integration.js';
import { stripeIntegration } from './stripe/integration.js';
import { trelloIntegration } from './trello/integration.js';
import { typeformIntegration } from './typeform/integration.js';
<<<<<<< HEAD
import { zoomIntegration } from './zoom/integration.js';

export const integrations: IntegrationDefinition[] = [linearIntegration, asanaIntegration, stripeIntegration, slackIntegration, githubIntegration, googleCalendarIntegration, gmailIntegration, googleDriveIntegration, microsoftTeamsIntegration, outlookIntegration, jiraIntegration, notionIntegration, hubspotIntegration, salesforceIntegration, intercomIntegration, calendlyIntegration, dropboxIntegration, clickupIntegration, boxIntegration, typeformIntegration, gitlabIntegration, trelloIntegration, airtableIntegration, pipedriveIntegration, zoomIntegration, mailchimpIntegration];
=======
import { webflowIntegration } from './webflow/integration.js';

export const integrations: IntegrationDefinition[] = [linearIntegration, asanaIntegration, stripeIntegration, slackIntegration, githubIntegration, googleCalendarIntegration, gmailIntegration, googleDriveIntegration, microsoftTeamsIntegration, outlookIntegration, jiraIntegration, notionIntegration, hubspotIntegration, salesforceIntegration, intercomIntegration, calendlyIntegration, dropboxIntegration, clickupIntegration, boxIntegration, typeformIntegration, gitlabIntegration, trelloIntegration, airtableIntegration, pipedriveIntegration, webflowIntegration];
>>>>>>> 6a39fb3 (Webflow: four site-webhook triggers (form submission, CMS item created/changed, site published), signed with the OAuth app's client secret)
