// Per-project delivery settings — webhook URL and active signing secrets — cached briefly, so a batch of
// thousands of events of one project costs one project read, not one per event.
//
// Freshness: an entry lives `ttlMs` (wall time; this is a cache, not business logic) and never past the
// moment the previous signing secret stops signing (business time, the injected clock). So a secret
// rotation or a new webhook URL made by another process reaches deliveries within ttlMs; while stale, the
// old secret keeps signing, which receivers accept during the rotation overlap anyway.
import type { Project, Storage } from '../storage/port.js';
import { prepareSigningKeys } from './sign.js';

export type ProjectTarget =
  /** `secrets`: current first; checked to be usable here, signed with by the sender (sender.ts). */
  | { ok: true; projectId: string; webhookUrl: string | null; secrets: readonly string[] }
  /** The project cannot sign (malformed secret): a configuration problem, retried until fixed. */
  | { ok: false; projectId: string; problem: string };

interface Entry {
  target: ProjectTarget | null;
  loadedAt: number;
  /** Business time after which the entry must be rebuilt (the previous secret expires). */
  validUntil: number;
}

export class ProjectTargets {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<ProjectTarget | null>>();

  constructor(
    private readonly storage: Storage,
    private readonly now: () => number,
    private readonly ttlMs: number,
  ) {}

  /** Targets by project id; null for a project that no longer exists. */
  async getMany(projectIds: Iterable<string>): Promise<Map<string, ProjectTarget | null>> {
    const out = new Map<string, ProjectTarget | null>();
    const misses: Array<Promise<void>> = [];
    for (const id of new Set(projectIds)) {
      const hit = this.fresh(id);
      if (hit !== undefined) out.set(id, hit);
      else misses.push(this.load(id).then((t) => void out.set(id, t)));
    }
    await Promise.all(misses);
    return out;
  }

  invalidate(projectId?: string): void {
    if (projectId === undefined) this.entries.clear();
    else this.entries.delete(projectId);
  }

  private fresh(id: string): ProjectTarget | null | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (performance.now() - e.loadedAt >= this.ttlMs || this.now() >= e.validUntil) {
      this.entries.delete(id);
      return undefined;
    }
    return e.target;
  }

  private load(id: string): Promise<ProjectTarget | null> {
    // Concurrent misses for one project share one read.
    let p = this.loading.get(id);
    if (!p) {
      p = this.storage.projects.get(id).then(
        (project) => {
          const now = this.now();
          const target = project ? toTarget(project, now) : null;
          const previousExpires = project?.previousSigningSecret && project.previousSecretExpiresAt !== null && project.previousSecretExpiresAt > now
            ? project.previousSecretExpiresAt
            : Number.POSITIVE_INFINITY;
          this.entries.set(id, { target, loadedAt: performance.now(), validUntil: previousExpires });
          this.loading.delete(id);
          return target;
        },
        (err: unknown) => {
          this.loading.delete(id);
          throw err;
        },
      );
      this.loading.set(id, p);
    }
    return p;
  }
}

/** Current secret first, then the previous one while its 24 h overlap lasts. */
export function activeSecrets(project: Project, now: number): string[] {
  const secrets = [project.signingSecret];
  if (project.previousSigningSecret && project.previousSecretExpiresAt !== null && project.previousSecretExpiresAt > now) {
    secrets.push(project.previousSigningSecret);
  }
  return secrets;
}

function toTarget(project: Project, now: number): ProjectTarget {
  const secrets = activeSecrets(project, now);
  try {
    prepareSigningKeys(secrets);
    return { ok: true, projectId: project.id, webhookUrl: project.webhookUrl, secrets };
  } catch (err) {
    return { ok: false, projectId: project.id, problem: `project signing secret is unusable: ${(err as Error).message}` };
  }
}
