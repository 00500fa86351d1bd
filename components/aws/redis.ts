// The Redis tier: an ElastiCache replication group in the private subnets. Throat keeps its
// sessions, the socket.io message queue (several socketio processes cooperate through it) and
// its cache there, so a primary and a replica in another zone, with automatic failover.
// In transit encrypted: the plan gives prod stacks rediss:// URLs.
import * as pulumi from "@pulumi/pulumi";
import * as elasticache from "@pulumi/aws/elasticache";
import type { Settings } from "../settings";
import { REDIS_PORT } from "./securityGroups";

/** The Redis tier named `name` (its subnet group too); the stack names it `<namePrefix>-redis`. */
export interface RedisArgs {
  /** The replication group id (at most 40 characters); the stack gives settings.namePrefix. */
  groupId: string;
  /** throat:redis: node type, node count, snapshot retention. */
  redis: Settings["redis"];
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
    const { redis } = args;
    const subnets = new elasticache.SubnetGroup(
      name,
      { name, subnetIds: args.subnetIds, description: "Throat Redis: private subnets" },
      { parent: this },
    );
    const group = new elasticache.ReplicationGroup(
      name,
      {
        replicationGroupId: args.groupId,
        description: "Throat: sessions, socket.io message queue, cache",
        engine: "redis",
        engineVersion: "7.1",
        nodeType: redis.nodeType,
        port: REDIS_PORT,
        // throat:redis.nodes: failover needs a replica (ElastiCache refuses it with one node).
        numCacheClusters: redis.nodes,
        automaticFailoverEnabled: redis.nodes > 1,
        multiAzEnabled: redis.nodes > 1,
        // Daily automatic snapshots, kept throat:redis.snapshotRetentionDays (0: none).
        snapshotRetentionLimit: redis.snapshotRetentionDays,
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
