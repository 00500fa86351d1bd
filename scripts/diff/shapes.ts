// The shapes the plan diff reads and writes: what it reads of a plan document (what
// `npm run plan -- --json` prints), and the diff it makes of two, which render.ts prints.
// What the diff reads of a plan document. A base built at an older commit may lack the newer
// fields (config, deploy, route table, resource inputs): those parts of the diff say less.
export interface DocBudgetLine {
  consumer: string;
  processes: number;
  connectionsPerProcess: number;
  connections: number;
}
export interface DocBudgetSide {
  limit: number;
  lines: DocBudgetLine[];
  peak: number;
  free: number;
}
export interface DocWorker {
  kind: string;
  replicas: { min: number; max: number; peak: number };
  processes: number;
  threads: number;
  workerConnections: number | null;
  poolSize: number;
  argv: string[];
  env: Record<string, string>;
  configFile?: { text?: string };
}
export interface DocResource {
  type: string;
  name: string;
  tier?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  inputSources?: Record<string, string[]>;
}
export interface PlanDoc {
  stack: string;
  profile: string;
  config?: Record<string, unknown>;
  deploy?: { maxPercent: number };
  workers: DocWorker[];
  migration?: { argv: string[]; configName: string; cpu?: number; memory?: number };
  budget: {
    database: { maxConnections: number; reservedConnections: number };
    server: DocBudgetSide;
    pgbouncer?: DocBudgetSide | null;
  };
  routes: { gevent: string[]; table?: { rule: string; kind: string; edge: string }[] };
  resources: DocResource[];
}

// What the diff says of two documents.
export interface ValueChange {
  path: string;
  old?: unknown;
  new?: unknown;
  /** A secret changed: neither value is shown. */
  secret?: boolean;
  /** The new value is known only after the update (it comes from a replaced or new resource). */
  computed?: boolean;
}

export interface BudgetLineDiff {
  consumer: string;
  old?: DocBudgetLine;
  new?: DocBudgetLine;
}
export interface BudgetSideDiff {
  side: "PostgreSQL" | "PgBouncer";
  old?: { limit: number; peak: number; free: number };
  new?: { limit: number; peak: number; free: number };
  lines: BudgetLineDiff[];
  /** The new plan leaves less than the threshold free. */
  tight: boolean;
}
export interface TransitionLine {
  consumer: string;
  connections: number;
  how: string;
}
export interface Transition {
  side: "PostgreSQL" | "PgBouncer";
  limit: number;
  /** Why this limit applies while the deploy runs. */
  limitNote: string;
  lines: TransitionLine[];
  peak: number;
  fits: boolean;
}

export interface WorkerDiff {
  kind: string;
  action: "add" | "remove" | "change";
  changes: ValueChange[];
  /** A change that needs new tasks or containers (anything but the replica counts). */
  rolls: boolean;
  triggers: string[];
}

export interface RouteMove {
  rule: string;
  old?: { kind: string; edge: string };
  new?: { kind: string; edge: string };
}

export interface ResourceChange {
  type: string;
  name: string;
  tier: string;
  action: "add" | "remove" | "replace" | "update";
  changes: ValueChange[];
  /** The inputs that force the replacement. */
  replaceBecause: string[];
}

export interface PlanDiff {
  stack: string;
  profile: string;
  changed: boolean;
  config: ValueChange[];
  budget: { sides: BudgetSideDiff[]; transition?: Transition; warnLeft: WarnLeft };
  workers: WorkerDiff[];
  migration: ValueChange[];
  routes: RouteMove[];
  resources: { tier: string; changes: ResourceChange[] }[];
  /** What applying the change sets off: rolling deploys, reboots, replacements. */
  triggers: string[];
  /** Resource inputs could not be compared: the base document predates them. */
  baseLacksInputs: boolean;
}

/** The threshold under which what is left of a budget is flagged: a share of the limit or a count. */
export type WarnLeft = { percent: number } | { connections: number };
