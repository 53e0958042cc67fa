import type { ParameterDefinition } from '../../../sdk/index.js';
import { FORM_ID, SITE_ID } from '../webhooks.js';

export const siteIdParameter: ParameterDefinition = {
  id: 'siteId',
  title: 'Site ID',
  type: 'TEXT',
  required: true,
  description: "The Netlify site whose events to receive: its API ID (Site configuration → General → Site details) or its netlify.app domain.",
  placeholder: 'fa4dd95a-994e-4f89-8a7a-2d9e9fc36a32',
  validate: (value) => (typeof value === 'string' && SITE_ID.test(value) ? null : 'must be a Netlify site id (its API ID) or its netlify.app domain'),
};

export const formIdParameter: ParameterDefinition = {
  id: 'formId',
  title: 'Form ID',
  type: 'TEXT',
  required: false,
  description: "Only submissions of this form (its id, from GET /sites/{site_id}/forms or the form's page in the Netlify UI). Leave empty for every form of the site.",
  placeholder: '5f85a8c2d1e4f60008c9d0e1',
  validate: (value) => (typeof value === 'string' && FORM_ID.test(value) ? null : 'must be a Netlify form id (letters, digits, - and _)'),
};

export const deployParameters: ParameterDefinition[] = [siteIdParameter];
export const submissionParameters: ParameterDefinition[] = [siteIdParameter, formIdParameter];
