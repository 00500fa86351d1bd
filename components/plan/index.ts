// The deployment plan: everything the deployment means, derived from the settings alone.
// Pure: no Pulumi resources, no I/O. The targets (Docker, AWS) only turn it into resources.
import type { Settings } from "../settings";
import { AlbPlan, AlbRule, AlbSpill, planAlbRules } from "./alb";
import { AlarmPlan, planAlarms } from "./alarms";
import { AppConfig, planAppConfig } from "./appConfig";
import { throatAppProblems } from "./throatSettings";
import { ConnectionBudget, planBudget } from "./budget";
import { planProxies, ProxyChain } from "./proxies";
import { parseRouteList, RouteTable } from "./routes";
import { checkWorker, planWorkers, WorkerService } from "./workers";
import { NginxFiles, renderNginx, renderStaticNginx } from "./nginx";
import { dockerNames, EDGE_PATHS, STATIC_FALLBACK } from "./names";
import { describeFargatePair } from "./fargate";
import { checkTransition, planTransition, PreviousDeployment, TransitionBudget } from "./transition";
import { checkEngineChange } from "./engineChange";
import { PlanError } from "./planError";
import {
  checkSocketioCapacity,
  nginxNofile,
  nginxWorkerConnections,
  planSocketioCapacity,
  SocketioCapacity,
} from "./capacity";
import { ASSET_PUBLISHER, planStorage, StoragePlan, withAssetPublish } from "./storage";

import { EXPECTED_ROUTES, renderExpectedRoutes, ROUTE_CHECK_EXIT, ROUTE_CHECKER } from "./routeCheck";

export { PlanError } from "./planError";

export interface Plan {
  settings: Settings;
  workers: WorkerService[];
  budget: ConnectionBudget;
  /** From what runs now (the stack's last outputs) to this plan; absent on a first deploy. */
  transition?: TransitionBudget;
  routes: RouteTable;
  proxies: ProxyChain;
  app: AppConfig;
  /** What the socketio tier holds (clients, memory, open files, event burst): plan/capacity.ts. */
  capacity: SocketioCapacity;
  /** Problems the profile can live with, for the targets to log (pulumi.log.warn). */
  warnings: string[];
  /** prod: what the CloudWatch alarms watch, with thresholds from the budget. */
  alarms: AlarmPlan;
  /** User files (uploads, thumbnails) and, on prod, every release's static assets. */
  storage: StoragePlan;
  /**
   * The migration one-off: Throat's migration command, run with the sync workers'
   * configuration (CONFIG_NAME) and, on prod, their task size. `imageFiles`: the stack's own
   * scripts the command runs, relative to the app's folder; each is `throat/<path>` in this
   * repository, and the app image carries it (prod: components/aws/appImageContext.ts).
   */
  migration: {
    argv: string[];
    configName: string;
    cpu: number;
    memory: number;
    imageFiles: string[];
    /** Files the plan renders for the command (the route check's expected routes), by image path. */
    generatedFiles: Record<string, string>;
    /** Exit code -> what it means and what to do: the targets' failure messages name it. */
    failures: Record<number, string>;
  };
  edge: {
    kind: "nginx" | "alb";
    uploadMaxSize: number;
    websocketTimeout: number;
    /** prod: the ALB's listener rules (default action: sync). */
    albRules?: AlbRule[];
    /** prod: the sync rows the ALB still sends to another kind (alb.ts: why each cannot be helped). */
    spill?: AlbSpill[];
    /** The nginx files for the edge image: test, the whole edge; prod, the static tier behind the ALB. */
    nginxFiles: NginxFiles;
    /** nofile (soft = hard) of the nginx edge container: its worker_rlimit_nofile. */
    nofile: number;
  };
}

/**
 * Throat's migration command. The image applies CONFIG_NAME in its default command
 * (start_all.sh copies configs/$CONFIG_NAME/ over the root config); a one-off task overrides
 * that command, so it applies the configuration itself first. Then the route check (issue 21:
 * plan/routeCheck.ts) refuses an image whose routes are not the ones the routing was planned
 * from, before anything changes the database.
 */
export const MIGRATION_ARGV = [
  "/bin/sh",
  "-c",
  `cp "configs/$CONFIG_NAME/config.yaml" config.yaml && python3 ${ROUTE_CHECKER} ${EXPECTED_ROUTES} && exec python3 throat.py migration apply`,
];

// The ALB rules are the costliest pure step of a plan (path patterns against every route, tens
// of milliseconds) and depend on the route list alone, which one process (the tests, `plan
// --diff`) plans many times: planned once per list's text, each plan gets its own copy.
const albPlans = new Map<string, AlbPlan>();
function albPlanOf(routeListText: string, routes: RouteTable): AlbPlan {
  let planned = albPlans.get(routeListText);
  if (!planned) albPlans.set(routeListText, (planned = planAlbRules(routes)));
  return {
    rules: planned.rules.map((r) => ({ ...r, pathPatterns: [...r.pathPatterns] })),
    spill: planned.spill.map((s) => ({ ...s })),
  };
}

export function buildPlan(settings: Settings, routeListText: string, previous?: PreviousDeployment): Plan {
  const routes = wrap("throat:routeList", () => parseRouteList(routeListText, settings.routeList));
  const budget = planBudget(settings);
  if (previous) checkEngineChange(settings, previous);
  const transition = previous ? planTransition(settings, budget, previous) : undefined;
  if (previous && transition) checkTransition(settings, budget, previous, transition);
  const workers = planWorkers(settings, budget);
  const workerProblems = workers.flatMap(checkWorker);
  if (settings.profile === "prod") {
    for (const w of workers) {
      const pair = describeFargatePair(w.cpu, w.memory);
      if (pair) workerProblems.push(`throat:workers.${w.kind}.cpu / throat:workers.${w.kind}.memory: ${pair}`);
    }
  }
  const capacity = planSocketioCapacity(settings, budget);
  const capacityCheck = checkSocketioCapacity(settings, capacity);
  workerProblems.push(...capacityCheck.errors);
  if (workerProblems.length) throw new PlanError("throat:workers", workerProblems.join("\n"));
  const appProblems = throatAppProblems(settings.app);
  if (appProblems.length) throw new PlanError("throat:app", appProblems.join("\n"));
  const proxies = planProxies(settings);
  const syncWorker = workers.find((w) => w.kind === "sync");
  if (!syncWorker) throw new PlanError("throat:workers", "no sync workers planned (the migration runs as one)");
  const app = planAppConfig(settings, workers, proxies);
  const alb =
    settings.edge.kind === "alb" ? wrap("throat:routeList", () => albPlanOf(routeListText, routes)) : undefined;
  const storage = planStorage(settings);
  // With a bucket (prod), the release's static assets go to it before anything rolls: the
  // publisher joins the command and the image (plan/storage.ts).
  const publishesAssets = storage.s3 !== undefined;
  return {
    settings,
    workers,
    budget,
    ...(transition ? { transition } : {}),
    routes,
    proxies,
    app,
    capacity,
    warnings: capacityCheck.warnings,
    alarms: planAlarms(settings, budget),
    storage,
    migration: {
      argv: publishesAssets ? withAssetPublish(MIGRATION_ARGV) : MIGRATION_ARGV,
      configName: app.configFiles.sync.name,
      cpu: syncWorker.cpu,
      memory: syncWorker.memory,
      imageFiles: publishesAssets ? [ROUTE_CHECKER, ASSET_PUBLISHER] : [ROUTE_CHECKER],
      generatedFiles: { [EXPECTED_ROUTES]: renderExpectedRoutes(routes) },
      failures: migrationFailures(settings.stack),
    },
    edge: {
      kind: settings.edge.kind,
      uploadMaxSize: settings.uploadMaxSize,
      websocketTimeout: settings.edge.websocketTimeout,
      ...(alb ? { albRules: alb.rules, spill: alb.spill } : {}),
      nofile: nginxNofile(nginxWorkerConnections(budget)),
      nginxFiles:
        settings.edge.kind === "alb"
          ? renderStaticNginx(EDGE_PATHS.staticRoot, EDGE_PATHS.httpPort, STATIC_FALLBACK)
          : renderNginx(
              routes,
              budget,
              { uploadMaxSize: settings.uploadMaxSize, websocketTimeout: settings.edge.websocketTimeout },
              {
                upstreams: dockerNames(settings, workers).upstreams,
                staticRoot: EDGE_PATHS.staticRoot,
                tls: EDGE_PATHS.tls,
                listen: { http: EDGE_PATHS.httpPort, https: EDGE_PATHS.httpsPort },
                publicHttpsPort: settings.edge.httpsPort,
              },
            ),
    },
  };
}

/** What the migration's exit codes mean (the route check's own; any other is Throat's migration or the publish). */
function migrationFailures(stack: string): Record<number, string> {
  return {
    [ROUTE_CHECK_EXIT.drifted]:
      "the route check found this image's routes differ from throat:routeList (its output lists the rows): " +
      `regenerate that file from the image with \`npm run routes -- --stack ${stack} --image <image>\` ` +
      "(it shows what changes in the routing), review `npm run plan`, commit it, then pulumi up",
    [ROUTE_CHECK_EXIT.unreadable]:
      "the route check could not read the image's route list (`python3 throat.py route list` failed or printed no table): " +
      "its output says why; the image or its config.yaml is broken",
  };
}

function wrap<T>(key: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof PlanError) throw e;
    throw new PlanError(key, `${key}: ${(e as Error).message}`);
  }
}
