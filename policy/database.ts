// The database tier (RDS instances; the AWS target is the prod profile). Two policies, because
// they fail for different reasons: exposure (who can reach and read the data) and keeping it
// (what survives a deletion or a bad migration). What is checked is the program's input, so an
// AWS default (backups 1 day when unset, for one) does not count: each guard must be explicit.
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { integer, known, read, text } from "./data";
import { T } from "./types";

const subject = (args: ResourceValidationArgs) => `RDS instance ${text(read(args.props, "identifier")) ?? args.name}`;
const prop = (args: ResourceValidationArgs, key: string) => known(read(args.props, key));

export const databasePrivateAndEncrypted: ResourceValidationPolicy = {
  name: "rds-private-and-encrypted",
  description: "The database is not publicly accessible and its storage is encrypted.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== T.rds) return;
    if (prop(args, "publiclyAccessible") === true) {
      reportViolation(
        `${subject(args)} is publicly accessible: set publiclyAccessible: false. It belongs in the private subnets, reachable only from the app's security groups.`,
      );
    }
    if (prop(args, "storageEncrypted") !== true) {
      reportViolation(
        `${subject(args)} does not encrypt its storage: set storageEncrypted: true (chosen at creation only: an existing instance is migrated by restoring an encrypted snapshot copy).`,
      );
    }
  },
};

export const databaseKeepsData: ResourceValidationPolicy = {
  name: "rds-keeps-data",
  description:
    "The database keeps its data: deletion protection on, backups retained for at least a day, a final snapshot on deletion.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== T.rds) return;
    if (prop(args, "deletionProtection") !== true) {
      reportViolation(
        `${subject(args)} has no deletion protection: set deletionProtection: true, so AWS refuses to delete the database.`,
      );
    }
    const retention = integer(prop(args, "backupRetentionPeriod"));
    if (retention === undefined || retention < 1) {
      reportViolation(
        `${subject(args)} keeps no automated backups (backupRetentionPeriod ${retention ?? "unset"}): set backupRetentionPeriod to at least 1 day (throat:database.backupRetentionDays).`,
      );
    }
    if (prop(args, "skipFinalSnapshot") === true) {
      reportViolation(
        `${subject(args)} skips its final snapshot: set skipFinalSnapshot: false and a finalSnapshotIdentifier, so deleting it leaves a snapshot to restore.`,
      );
    } else if (!text(prop(args, "finalSnapshotIdentifier"))) {
      reportViolation(
        `${subject(args)} takes a final snapshot but names none: set finalSnapshotIdentifier (AWS refuses to delete the instance without it).`,
      );
    }
  },
};
