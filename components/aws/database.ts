// The database tier: RDS PostgreSQL in the private subnets. max_connections is the plan's
// (the connection budget is computed against it), set through a parameter group of the family
// that matches the engine. The instance is protected three ways: `protect` (Pulumi refuses to
// delete it), deletionProtection (AWS refuses), and a final snapshot if it is deleted anyway.
import * as pulumi from "@pulumi/pulumi";
import * as rds from "@pulumi/aws/rds";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as random from "@pulumi/random";
import { DATABASE_NAME, DATABASE_USER } from "../plan/appConfig";
import type { Settings } from "../settings";
import { postgresFamily } from "./limits";
import { POSTGRES_PORT } from "./securityGroups";
import { randomSecret, SecretRef, storedSecret } from "./secrets";

export interface DatabaseArgs {
  /**
   * settings.namePrefix: the children keep the `<namePrefix>-db`, `-postgres`, ... logical names
   * they had before the component took narrow args (naming them from `name`, `<namePrefix>-database`,
   * would change every URN of the stateful tier); the instance identifier is the prefix itself.
   */
  namePrefix: string;
  /** throat:database: engine version, instance class, storage, Multi-AZ, backups. */
  database: Settings["database"];
  /** The connection budget's max_connections (plan.budget.database.maxConnections). */
  maxConnections: number;
  subnetIds: pulumi.Input<string[]>;
  securityGroupId: pulumi.Input<string>;
  /** throat:aws.logRetentionDays: PostgreSQL's log group keeps events as long as the tiers' do. */
  logRetentionDays: number;
}

/** The log types the instance publishes to CloudWatch Logs. */
const LOG_EXPORTS = ["postgresql"] as const;

/**
 * Where RDS publishes a log type: "Amazon RDS creates a log group ... /aws/rds/instance/<db
 * instance identifier>/<log type>" when it first publishes (RDS User Guide, "Publishing
 * PostgreSQL logs to Amazon CloudWatch Logs"), with CloudWatch's default retention, never expire.
 */
export function rdsLogGroupName(identifier: string, logType: string): string {
  return `/aws/rds/instance/${identifier}/${logType}`;
}

export class Database extends pulumi.ComponentResource {
  /** Host name only (DATABASE_HOST). */
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** host:port, for the stack outputs. */
  readonly endpoint: pulumi.Output<string>;
  readonly passwordSecret: SecretRef;
  /** DBInstanceIdentifier (CloudWatch dimension, `aws rds` commands). */
  readonly identifier: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:Database", name, {}, opts);
    const db = args.database;
    const prefix = args.namePrefix;
    const family = postgresFamily(db.engineVersion);

    const subnets = new rds.SubnetGroup(
      `${prefix}-db`,
      { subnetIds: args.subnetIds, description: "Throat PostgreSQL: private subnets" },
      { parent: this },
    );
    // Auto-named with the family in the logical name: a major upgrade creates the new group
    // before the instance moves to it, which a fixed name would forbid.
    const parameters = new rds.ParameterGroup(
      `${prefix}-${family}`,
      {
        family,
        description: `Throat PostgreSQL ${db.engineVersion}: max_connections from the connection budget`,
        parameters: [
          // Static parameter: RDS applies it at the next reboot only ("pending-reboot"); AWS
          // rejects "immediate" for it.
          { name: "max_connections", value: String(args.maxConnections), applyMethod: "pending-reboot" },
        ],
      },
      { parent: this },
    );

    // The final snapshot's name is unique per stack instance: a stack destroyed and created
    // again (same name) would otherwise find its predecessor's snapshot and fail its own
    // destroy (DeleteDBInstance: DBSnapshotAlreadyExists). Made once, kept in the state.
    const snapshotSuffix = new random.RandomId(`${prefix}-final-snapshot`, { byteLength: 4 }, { parent: this });

    const password = randomSecret(`${prefix}-db-password`, 40, this);
    this.passwordSecret = storedSecret(
      `${prefix}-db-password`,
      "Throat: PostgreSQL password (DATABASE_PASSWORD)",
      password,
      this,
    );

    // The stack's own log groups, created before the instance publishes into them: RDS would
    // otherwise create them itself, keeping events forever and outliving `pulumi destroy`.
    const identifier = prefix;
    const logGroups = LOG_EXPORTS.map(
      (logType) =>
        new cloudwatch.LogGroup(
          `${prefix}-postgres-${logType}`,
          { name: rdsLogGroupName(identifier, logType), retentionInDays: args.logRetentionDays },
          { parent: this },
        ),
    );

    const instance = new rds.Instance(
      `${prefix}-postgres`,
      {
        identifier,
        engine: "postgres",
        engineVersion: db.engineVersion,
        instanceClass: db.instanceClass,
        allocatedStorage: db.allocatedStorage,
        storageType: "gp3",
        storageEncrypted: true,
        multiAz: db.multiAz,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [args.securityGroupId],
        publiclyAccessible: false,
        port: POSTGRES_PORT,
        parameterGroupName: parameters.name,
        dbName: DATABASE_NAME,
        username: DATABASE_USER,
        password,
        backupRetentionPeriod: db.backupRetentionDays,
        copyTagsToSnapshot: true,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: pulumi.interpolate`${prefix}-final-${snapshotSuffix.hex}`,
        autoMinorVersionUpgrade: true,
        // engineVersion is a major version the operator sets on purpose; RDS refuses a major
        // upgrade without this flag (ModifyDBInstance AllowMajorVersionUpgrade). The plan refuses
        // a downgrade, which RDS cannot do. The new family's parameter group (above) is created
        // before the instance moves to it, and the old one deleted after.
        allowMajorVersionUpgrade: true,
        applyImmediately: db.applyImmediately,
        // Storage autoscaling (0: off). The provider then ignores allocatedStorage drift.
        ...(db.maxAllocatedStorage > 0 ? { maxAllocatedStorage: db.maxAllocatedStorage } : {}),
        // PostgreSQL's log (errors, slow statements, connection refusals) in CloudWatch Logs:
        // /aws/rds/instance/<identifier>/postgresql, the group above.
        enabledCloudwatchLogsExports: [...LOG_EXPORTS],
      },
      { parent: this, protect: true, dependsOn: logGroups },
    );

    this.address = instance.address;
    this.identifier = instance.identifier;
    this.port = instance.port;
    this.endpoint = instance.endpoint;
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
