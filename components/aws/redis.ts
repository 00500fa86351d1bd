// The Redis tier: an ElastiCache replication group in the private subnets. Throat keeps its
// sessions, the socket.io message queue (several socketio processes cooperate through it) and
// its cache there, so a primary and a replica in another zone, with automatic failover.
// In transit encrypted: the plan gives prod stacks rediss:// URLs.
import * as pulumi from "@pulumi/pulumi";
import * as elasticache from "@pulumi/aws/elasticache";
import type { Settings } from "../settings";
import { REDIS_PORT } from "./securityGroups";

export interface RedisArgs {
  settings: Settings;
  subnetIds: pulumi.Input<string[]>;
  securityGroupId: pulumi.Input<string>;
}

export class Redis extends pulumi.ComponentResource {
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** The replication group id: its member clusters are `<id>-001`, `<id>-002`, ... */
  readonly groupId: pulumi.Output<string>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:Redis", name, {}, opts);
    const prefix = args.settings.namePrefix;
    const subnets = new elasticache.SubnetGroup(
      `${prefix}-redis`,
      { name: `${prefix}-redis`, subnetIds: args.subnetIds, description: "Throat Redis: private subnets" },
      { parent: this },
    );
    const group = new elasticache.ReplicationGroup(
      `${prefix}-redis`,
      {
        replicationGroupId: prefix,
        description: "Throat: sessions, socket.io message queue, cache",
        engine: "redis",
        engineVersion: "7.1",
        nodeType: args.settings.redis.nodeType,
        port: REDIS_PORT,
        // throat:redis.nodes: failover needs a replica (ElastiCache refuses it with one node).
        numCacheClusters: args.settings.redis.nodes,
        automaticFailoverEnabled: args.settings.redis.nodes > 1,
        multiAzEnabled: args.settings.redis.nodes > 1,
        // Daily automatic snapshots, kept throat:redis.snapshotRetentionDays (0: none).
        snapshotRetentionLimit: args.settings.redis.snapshotRetentionDays,
        subnetGroupName: subnets.name,
        securityGroupIds: [args.securityGroupId],
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        autoMinorVersionUpgrade: true,
      },
      { parent: this },
    );
    this.address = group.primaryEndpointAddress;
    this.port = group.port.apply((p) => p ?? REDIS_PORT);
    this.groupId = group.replicationGroupId;
    this.registerOutputs({ address: this.address });
  }
}
