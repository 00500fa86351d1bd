// Which input changes make the engine replace a resource rather than update it, for the types
// this stack registers. The Pulumi AWS, Docker, Random and TLS providers are bridged from the
// Terraform providers: an argument marked `ForceNew` in the provider schema is a replacement
// in `pulumi preview` (the bridge turns ForceNew into the diff's `replaces`). The table lists
// those arguments for the main types, as this stack sets them; types not listed are updated in
// place, which is the cautious default for a reviewer only where nothing stateful is involved.
// Sources: the Terraform AWS provider's resource schemas. Read for this table:
// internal/service/ecs/task_definition.go (every argument but tags and skip_destroy is ForceNew:
// a revision is immutable, RegisterTaskDefinition makes a new one) and
// internal/service/rds/instance.go (ForceNew: identifier, identifier_prefix, engine, db_name,
// username, storage_encrypted, kms_key_id, availability_zone, character_set_name,
// nchar_character_set_name, snapshot_identifier, restore_to_point_in_time, timezone,
// custom_iam_instance_profile; instance_class, parameter_group_name, port and the subnet group
// update in place). From the same schemas, not re-read: aws_db_parameter_group,
// aws_elasticache_replication_group, aws_lb_target_group, aws_lb, aws_security_group,
// aws_subnet, aws_vpc, aws_ecs_service. The kreuzwerker Docker provider's docker_container
// (every argument ForceNew but the few its update function handles: restart, cpu_shares,
// memory, memory_swap); the Random and TLS providers (every argument RequiresReplace); and this
// stack's own migration design (components/aws/migration.ts: a new `input` replaces the
// Invocation, which runs the migration again).

/** `"*"`: every input but those in `except`. */
export type ReplaceRule = { on: string[] } | { on: "*"; except: string[] };

export const REPLACE_ON: Record<string, ReplaceRule> = {
  "aws:ecs/taskDefinition:TaskDefinition": { on: "*", except: ["tags", "skipDestroy", "trackLatest"] },
  "aws:rds/instance:Instance": {
    on: [
      "identifier",
      "identifierPrefix",
      "engine",
      "dbName",
      "username",
      "storageEncrypted",
      "kmsKeyId",
      "availabilityZone",
      "characterSetName",
      "ncharCharacterSetName",
      "snapshotIdentifier",
      "restoreToPointInTime",
      "timezone",
      "customIamInstanceProfile",
    ],
  },
  "aws:rds/parameterGroup:ParameterGroup": { on: ["name", "namePrefix", "family", "description"] },
  "aws:rds/subnetGroup:SubnetGroup": { on: ["name", "namePrefix"] },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    on: ["replicationGroupId", "atRestEncryptionEnabled", "port", "subnetGroupName", "kmsKeyId"],
  },
  "aws:lb/targetGroup:TargetGroup": {
    on: ["name", "namePrefix", "port", "protocol", "protocolVersion", "vpcId", "targetType"],
  },
  "aws:lb/loadBalancer:LoadBalancer": { on: ["name", "namePrefix", "internal", "loadBalancerType"] },
  "aws:ec2/securityGroup:SecurityGroup": { on: ["name", "namePrefix", "description", "vpcId"] },
  "aws:ec2/subnet:Subnet": { on: ["vpcId", "cidrBlock", "availabilityZone"] },
  "aws:ec2/vpc:Vpc": { on: ["cidrBlock"] },
  "aws:ecs/service:Service": { on: ["name", "cluster", "launchType", "schedulingStrategy"] },
  "aws:lambda/invocation:Invocation": { on: ["functionName", "input", "qualifier", "triggers"] },
  "docker:index/container:Container": { on: "*", except: ["restart", "cpuShares", "memory", "memorySwap"] },
  "docker:index/volume:Volume": { on: "*", except: [] },
  "docker:index/network:Network": { on: "*", except: [] },
  "random:index/randomPassword:RandomPassword": { on: "*", except: [] },
  "tls:index/privateKey:PrivateKey": { on: "*", except: [] },
  "tls:index/selfSignedCert:SelfSignedCert": { on: "*", except: [] },
};

/** Whether changing this top-level input replaces a resource of this type. */
export function replacesOn(type: string, input: string): boolean {
  const rule = REPLACE_ON[type];
  if (!rule) return false;
  return rule.on === "*" ? !rule.except.includes(input) : rule.on.includes(input);
}

/** Types whose replacement loses what users posted unless it is moved first. */
export const STATEFUL_TYPES = [
  "aws:rds/instance:Instance",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "docker:index/volume:Volume",
];

/**
 * Types whose outputs change on an in-place update too: a rebuilt image has a new digest, so
 * whatever runs it (task definitions, containers) sees a new value.
 */
export const NEW_OUTPUTS_ON_UPDATE = ["docker:index/image:Image"];
