/// <reference lib="dom" />
// The dashboard's entry point: checks the session, then routes to a page inside the app shell.
import './styles.css';
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ADMIN, api, errorMessage, get, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { Button, ErrorBox, Loading, Toasts, toast, useAsync } from './components.js';
import { BASE, Link, navigate, projectPath, useLocation } from './router.js';
import type { Project, Session } from './types.js';
import { SignIn } from './pages/sign-in.js';
import { Projects } from './pages/projects.js';
import { Settings } from './pages/settings.js';
import { Users } from './pages/users.js';
import { UserPage } from './pages/user.js';
import { Logs } from './pages/logs.js';
import { CatalogPage } from './pages/catalog.js';

const LAST_PROJECT = 'opentriggers.lastProject';

export interface PageProps {
  projectId: string;
  project: Project;
  session: Session;
  reloadProjects: () => Promise<void>;
}

const NAV: Array<{ page: string; label: string }> = [
  { page: 'settings', label: 'Settings' },
  { page: 'users', label: 'Connected users' },
  { page: 'logs', label: 'Logs' },
  { page: 'catalog', label: 'Catalog' },
];

function Shell(props: { session: Session; onSignedOut: () => void }) {
  const loc = useLocation();
  const projects = useAsync(() => get<{ projects: Project[] }>(`${ADMIN}/projects`), []);
  const m = /^\/dashboard\/projects\/([^/]+)(?:\/([^/]+)(?:\/(.+))?)?$/.exec(loc.path);
  const projectId = m?.[1] !== undefined ? decodeURIComponent(m[1]) : undefined;
  const page = m?.[2] ?? 'settings';
  const rest = m?.[3];
  const list = projects.data?.projects ?? [];
  const project = list.find((p) => p.id === projectId);

  useEffect(() => {
    if (projectId && project) localStorage.setItem(LAST_PROJECT, projectId);
  }, [projectId, project]);

  const signOut = async () => {
    try {
      await api('DELETE', '/dashboard/api/session');
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
    props.onSignedOut();
  };

  let content;
  if (projects.error) content = h(ErrorBox, { message: projects.error, onRetry: projects.reload });
  else if (!projects.data) content = h(Loading, { what: 'projects' });
  else if (!projectId || loc.path === `${BASE}/projects`) {
    content = h(Projects, { projects: list, reload: projects.reload });
  } else if (!project) {
    content = h('div', { class: 'card' }, h('h1', null, 'Project not found'),
      h('p', null, 'This project does not exist, or was deleted. ', h(Link, { href: `${BASE}/projects` }, 'Choose another project'), '.'));
  } else {
    const pp: PageProps = { projectId: project.id, project, session: props.session, reloadProjects: projects.reload };
    if (page === 'settings') content = h(Settings, pp);
    else if (page === 'users' && rest) content = h(UserPage, { ...pp, userId: decodeURIComponent(rest) });
    else if (page === 'users') content = h(Users, pp);
    else if (page === 'logs') content = h(Logs, pp);
    else if (page === 'catalog') content = h(CatalogPage, pp);
    else content = h('div', { class: 'card' }, h('h1', null, 'Page not found'), h(Link, { href: projectPath(project.id, 'settings') }, 'Go to the project settings'));
  }

  return h('div', { class: 'shell' },
    h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    h('header', { class: 'topbar' },
      h('div', { class: 'topbar-row' },
        h(Link, { href: `${BASE}/projects`, class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '⚡'), 'OpenTriggers'),
        list.length > 0
          ? h('div', { class: 'project-switch' },
            h('label', { for: 'project-select', class: 'sr-only' }, 'Project'),
            h('select', {
              id: 'project-select',
              value: project?.id ?? '',
              onChange: (e: Event) => {
                const v = (e.currentTarget as HTMLSelectElement).value;
                if (v === '__new') navigate(`${BASE}/projects?new=1`);
                else if (v) navigate(projectPath(v, page === 'users' && rest ? 'users' : page));
              },
            },
            project ? null : h('option', { value: '' }, 'Choose a project…'),
            list.map((p) => h('option', { key: p.id, value: p.id }, p.name)),
            h('option', { value: '__new' }, '+ New project…')))
          : null,
        h('div', { class: 'spacer' }),
        h(Button, { kind: 'ghost', small: true, onClick: signOut, id: 'sign-out' }, 'Sign out')),
      project
        ? h('nav', { class: 'tabs', 'aria-label': 'Project pages' },
          NAV.map((n) => h(Link, {
            key: n.page,
            href: projectPath(project.id, n.page),
            class: `tab${page === n.page ? ' tab-active' : ''}`,
            'aria-current': page === n.page ? 'page' : undefined,
          }, n.label)))
        : null),
    h('main', { id: 'main', tabIndex: -1 }, content));
}

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loc = useLocation();

  const check = async () => {
    try {
      const s = await get<Session>('/dashboard/api/session');
      if (s.csrfToken) setCsrfToken(s.csrfToken);
      setSession(s);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  useEffect(() => {
    setUnauthorizedHandler(() => setSession({ authenticated: false }));
    void check();
  }, []);

  // Keep the URL honest: /dashboard/sign-in only when signed out.
  useEffect(() => {
    if (!session) return;
    if (!session.authenticated && loc.path !== `${BASE}/sign-in`) {
      const next = loc.path.startsWith(`${BASE}/projects`) ? `?next=${encodeURIComponent(loc.path + (location.search || ''))}` : '';
      navigate(`${BASE}/sign-in${next}`, { replace: true });
    } else if (session.authenticated && (loc.path === `${BASE}/sign-in` || loc.path === BASE)) {
      // Back to where the operator was going, else to the last project used.
      const next = loc.query.get('next');
      const last = localStorage.getItem(LAST_PROJECT);
      navigate(next?.startsWith(`${BASE}/`) ? next : last ? projectPath(last, 'settings') : `${BASE}/projects`, { replace: true });
    }
  }, [session, loc.path]);

  let body;
  if (error) body = h('main', { id: 'main', class: 'center' }, h(ErrorBox, { message: error, onRetry: check }));
  else if (!session) body = h('main', { id: 'main', class: 'center' }, h(Loading, null));
  else if (!session.authenticated) {
    body = h(SignIn, {
      onSignedIn: (s: Session) => {
        if (s.csrfToken) setCsrfToken(s.csrfToken);
        setSession(s);
      },
    });
  } else {
    body = h(Shell, {
      session,
      onSignedOut: () => {
        setSession({ authenticated: false });
        toast('Signed out');
      },
    });
  }
  return h('div', null, body, h(Toasts, null));
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(h(App, null), root);
}
