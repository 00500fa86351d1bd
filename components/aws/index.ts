// The prod profile on AWS: one component per tier, wired in the order a deploy needs them.
//   network, security groups -> database, Redis, secrets, images -> ALB (target groups,
//   listeners, rules) -> cluster -> migration (one-off task) -> worker services, static tier
// Every decision comes from the plan; these components only place it on AWS.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import type { Plan } from "../plan";
import type { AdminTarget } from "../plan/admin";
import { EDGE_PATHS } from "../plan/names";
import { APP_PORT } from "../plan/workers";
import type { TargetOutputs } from "../outputs";
import { AccessLogs, ACCESS_LOG_PREFIX } from "./accessLogs";
import { Edge } from "./alb";
import { Alarms } from "./alarms";
import { renderAppImageContext } from "./appImageContext";
import { SiteCertificate, SiteRecords } from "./dns";
import { Cluster } from "./cluster";
import { appEnvironment, appSecrets } from "./containers";
import { Database } from "./database";
import { BUILD_DIR, Images } from "./images";
import { Migration } from "./migration";
import { logGroupName, TierKind } from "./names";
import { Network } from "./network";
import { Redis } from "./redis";
import { RolloutCheck } from "./rolloutCheck";
import { AppSecrets, SecretRefs } from "./secrets";
import { SecurityGroups } from "./securityGroups";
import { StaticTier } from "./staticTier";
import { UserFiles } from "./userFiles";
import { WorkerService } from "./workers";

export class AwsStack extends pulumi.ComponentResource implements TargetOutputs {
  readonly url: pulumi.Output<string>;
  readonly databaseEndpoint: pulumi.Output<string>;
  /** Point the site name's DNS record (CNAME or alias) here. */
  readonly loadBalancerDnsName: pulumi.Output<string>;
  readonly admin: pulumi.Output<AdminTarget>;
  readonly accessLogBucket: pulumi.Output<string>;
  readonly filesUrl: pulumi.Output<string>;

  constructor(name: string, args: { plan: Plan }, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:AwsStack", name, {}, opts);
    const { plan } = args;
    const { settings } = plan;
    const prefix = settings.namePrefix;
    const child = { parent: this };
    const region = getRegionOutput({}, child).region;

    const network = new Network(`${prefix}-network`, { namePrefix: prefix, aws: settings.aws }, child);
    const groups = new SecurityGroups(
      `${prefix}-security-groups`,
      {
        prefix,
        vpcId: network.vpcId,
        appPort: APP_PORT,
        staticPort: EDGE_PATHS.httpPort,
        smtpPort: plan.app.smtp?.port,
      },
      child,
    );
    const database = new Database(
      `${prefix}-database`,
      {
        namePrefix: prefix,
        database: settings.database,
        maxConnections: plan.budget.database.maxConnections,
        subnetIds: network.privateSubnetIds,
        securityGroupId: groups.database.id,
        logRetentionDays: settings.aws.logRetentionDays,
      },
      child,
    );
    const redis = new Redis(
      `${prefix}-redis`,
      {
        groupId: prefix,
        redis: settings.redis,
        subnetIds: network.privateSubnetIds,
        securityGroupId: groups.redis.id,
      },
      child,
    );
    const appSecretStore = new AppSecrets(
      `${prefix}-secrets`,
      { prefix, secretKeyInConfig: settings.secrets.secretKey, mailPasswordInConfig: settings.secrets.mailPassword },
      child,
    );
    const secretRefs: SecretRefs = {
      databasePassword: database.passwordSecret,
      secretKey: appSecretStore.secretKey,
    };
    if (appSecretStore.mailPassword) secretRefs.mailPassword = appSecretStore.mailPassword;
    const images = new Images(
      `${prefix}-images`,
      {
        namePrefix: prefix,
        image: settings.image,
        appImageContext: { dir: path.join(BUILD_DIR, settings.stack, "app-image"), files: renderAppImageContext(plan) },
      },
      child,
    );
    const zoneId = settings.dns.zoneId;
    const certificate = zoneId
      ? new SiteCertificate(`${prefix}-certificate`, { prefix, siteName: settings.siteName, zoneId }, child)
      : undefined;
    const accessLogs = new AccessLogs(
      `${prefix}-access-logs`,
      { bucketLogicalName: `${prefix}-alb-logs`, expirationDays: settings.aws.accessLogDays },
      child,
    );
    // Both guards narrow types: the plan makes albRules for edge kind alb (prod's), and the
    // settings refuse a prod stack with neither certificate source (settings/certificate.ts).
    const albRules = plan.edge.albRules;
    if (!albRules) throw new Error("the AWS target needs plan.edge.albRules (edge kind alb)");
    const certificateArn = certificate?.arn ?? settings.edge.certificateArn;
    if (!certificateArn) throw new Error("the AWS target needs throat:edge.certificateArn or throat:dns.zoneId");
    const ports = Object.fromEntries([
      ...plan.workers.map((w) => [w.kind, w.port]),
      ["static", EDGE_PATHS.httpPort],
    ]) as Record<TierKind, number>;
    const edge = new Edge(
      `${prefix}-edge`,
      {
        namePrefix: prefix,
        rules: albRules,
        ports,
        vpcId: network.vpcId,
        subnetIds: network.publicSubnetIds,
        securityGroupId: groups.alb.id,
        certificateArn,
        accessLogs: { bucket: accessLogs.bucketName, prefix: ACCESS_LOG_PREFIX, ready: accessLogs.ready },
      },
      child,
    );
    if (zoneId) {
      const alb = { dnsName: edge.dnsName, zoneId: edge.zoneId };
      new SiteRecords(`${prefix}-site-records`, { prefix, siteName: settings.siteName, zoneId, alb }, child);
    }
    const cluster = new Cluster(
      `${prefix}-cluster`,
      {
        namePrefix: prefix,
        containerInsights: settings.aws.containerInsights,
        repositoryArn: images.repositoryArn,
        secretArns: Object.values(secretRefs)
          .filter((r) => r !== undefined)
          .map((r) => r.arn),
      },
      child,
    );

    if (!plan.storage.s3) throw new Error("UserFiles (AWS): the plan has no S3 storage");
    const files = new UserFiles(
      `${prefix}-user-files`,
      { namePrefix: prefix, stack: settings.stack, s3: plan.storage.s3, retainOnDelete: plan.storage.retainOnDelete },
      child,
    );
    const storage = { bucket: files.bucket.bucket, filesHost: files.filesHost };
    const appEnv = appEnvironment(
      plan,
      { databaseHost: database.address, databasePort: database.port, redisHost: redis.address, redisPort: redis.port },
      storage,
    );
    const secrets = appSecrets(plan, secretRefs);
    const migration = new Migration(
      `${prefix}-migration`,
      {
        family: `${prefix}-migrate`,
        migration: plan.migration,
        logs: { groupName: logGroupName(prefix, "migrate"), retentionDays: settings.aws.logRetentionDays },
        cluster: cluster.cluster,
        executionRole: cluster.appExecutionRole,
        taskRole: files.migrationTaskRole,
        image: images.app,
        appEnv,
        secrets,
        network: { subnetIds: network.privateSubnetIds, securityGroupId: groups.migration.id },
        region,
        dependsOn: [database, redis, ...network.egressReady],
      },
      child,
    );

    const services: { kind: string; service: WorkerService | StaticTier }[] = [];
    for (const worker of plan.workers) {
      const service = new WorkerService(
        `${prefix}-${worker.kind}`,
        {
          worker,
          deployMaxPercent: settings.deploy.maxPercent,
          logs: { groupName: logGroupName(prefix, worker.kind), retentionDays: settings.aws.logRetentionDays },
          cluster: cluster.cluster,
          executionRole: cluster.appExecutionRole,
          taskRole: files.appTaskRole,
          image: images.app,
          appEnv,
          secrets,
          network: { subnetIds: network.privateSubnetIds, securityGroupId: groups.workers.id },
          targetGroupArn: edge.targetGroups[worker.kind].arn,
          region,
          dependsOn: [migration.done, ...edge.ready, ...network.egressReady],
        },
        child,
      );
      services.push({ kind: worker.kind, service });
    }
    const staticTier = new StaticTier(
      `${prefix}-static`,
      {
        nginxFiles: plan.edge.nginxFiles,
        tasks: settings.aws.staticTasks,
        deployMaxPercent: settings.deploy.maxPercent,
        logs: { groupName: logGroupName(prefix, "static"), retentionDays: settings.aws.logRetentionDays },
        cluster: cluster.cluster,
        executionRole: cluster.staticExecutionRole,
        image: images.edge,
        network: { subnetIds: network.privateSubnetIds, securityGroupId: groups.static.id },
        targetGroupArn: edge.targetGroups.static.arn,
        region,
        filesHost: files.filesHost,
        dependsOn: [...edge.ready, ...network.egressReady],
      },
      child,
    );
    services.push({ kind: "static", service: staticTier });
    // A rolled-back deploy must fail `pulumi up` (rolloutCheck.ts).
    const rollout = new RolloutCheck(
      `${prefix}-rollout`,
      {
        servicePrefix: prefix,
        logRetentionDays: settings.aws.logRetentionDays,
        cluster: cluster.cluster,
        passRoles: [cluster.appExecutionRole.arn, cluster.staticExecutionRole.arn],
      },
      child,
    );
    for (const { kind, service } of services)
      rollout.check(`${prefix}-${kind}-rollout`, service.service, service.taskDefinition);

    const serviceName = (kind: string) => {
      const found = services.find((x) => x.kind === kind);
      if (!found) throw new Error(`no ${kind} service to alarm on`);
      return found.service.service.name;
    };
    new Alarms(
      `${prefix}-alarms`,
      {
        namePrefix: prefix,
        alarms: plan.alarms,
        context: {
          alerts: settings.alerts,
          budgetPeak: plan.budget.server.peak,
          maxConnections: plan.budget.database.maxConnections,
          allocatedStorage: settings.database.allocatedStorage,
        },
        region,
        databaseId: database.identifier,
        redisGroupId: redis.groupId,
        clusterName: cluster.cluster.name,
        loadBalancerArnSuffix: edge.arnSuffix,
        targetGroupArnSuffixes: {
          sync: edge.targetGroups.sync.arnSuffix,
          gevent: edge.targetGroups.gevent.arnSuffix,
          socketio: edge.targetGroups.socketio.arnSuffix,
          static: edge.targetGroups.static.arnSuffix,
        },
        serviceNames: {
          sync: serviceName("sync"),
          gevent: serviceName("gevent"),
          socketio: serviceName("socketio"),
          static: serviceName("static"),
        },
        migrationFunctionName: migration.functionName,
      },
      child,
    );

    // npm run throat: the migration's task definition, network and log group (scripts/throat.ts).
    this.admin = pulumi
      .all([region, cluster.cluster.arn, network.privateSubnetIds, groups.migration.id, migration.logGroupName])
      .apply(([r, clusterArn, subnets, securityGroup, logGroup]): AdminTarget => ({
        profile: "prod",
        region: r,
        clusterArn,
        taskDefinitionFamily: migration.family,
        container: migration.container,
        subnets,
        securityGroups: [securityGroup],
        logGroup,
        logStreamPrefix: migration.container,
      }));

    this.accessLogBucket = accessLogs.bucketName;
    this.url = pulumi.output(`https://${settings.siteName}`);
    this.databaseEndpoint = database.endpoint;
    this.loadBalancerDnsName = edge.dnsName;
    this.filesUrl = files.url;
    this.registerOutputs({
      url: this.url,
      databaseEndpoint: this.databaseEndpoint,
      loadBalancerDnsName: this.loadBalancerDnsName,
      admin: this.admin,
      accessLogBucket: this.accessLogBucket,
      filesUrl: this.filesUrl,
    });
  }
}
