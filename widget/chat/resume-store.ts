/** What a widget keeps between page loads to continue its session. */
export interface ResumeRecord {
  readonly resumeToken: string;
  readonly sessionId: string;
  /** ISO 8601 time the visitor started this conversation. */
  readonly startedAt: string;
}

/** Where one widget keeps its resume record. */
export interface ResumeStore {
  load(): ResumeRecord | undefined;
  save(record: ResumeRecord): void;
  clear(): void;
}

/**
 * The localStorage key for a widget: workspace and flow, plus the widget's rank among widgets of
 * the same flow on the page, so two of them keep two sessions.
 */
export function resumeKey(workspace: string, flow: string, occurrence: number): string {
  const base = `parley:session:${encodeURIComponent(workspace)}:${encodeURIComponent(flow)}`;
  return occurrence > 0 ? `${base}:${occurrence}` : base;
}

function parse(raw: string | null): ResumeRecord | undefined {
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const { resumeToken, sessionId, startedAt } = value as Record<string, unknown>;
    if (typeof resumeToken !== 'string' || typeof sessionId !== 'string' || typeof startedAt !== 'string') return undefined;
    return { resumeToken, sessionId, startedAt };
  } catch {
    return undefined;
  }
}

/** A store in localStorage; falls back to memory where storage is blocked (private modes, sandboxed frames). */
export function localResumeStore(key: string): ResumeStore {
  let memory: ResumeRecord | undefined;
  return {
    load() {
      try {
        return parse(localStorage.getItem(key));
      } catch {
        return memory;
      }
    },
    save(record) {
      memory = record;
      try {
        localStorage.setItem(key, JSON.stringify(record));
      } catch {
        // storage blocked: the session lasts as long as the page
      }
    },
    clear() {
      memory = undefined;
      try {
        localStorage.removeItem(key);
      } catch {
        // storage blocked
      }
    },
  };
}

/** A store that lives as long as the page (console previews: nothing left in the browser). */
export function memoryResumeStore(): ResumeStore {
  let record: ResumeRecord | undefined;
  return {
    load: () => record,
    save(next) {
      record = next;
    },
    clear() {
      record = undefined;
    },
  };
}
