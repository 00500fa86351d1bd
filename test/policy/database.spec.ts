// rds-private-and-encrypted and rds-keeps-data on hand-made RDS instances.
import { databaseKeepsData, databasePrivateAndEncrypted } from "../../policy/database";
import { messages, resource } from "./support";
import { T } from "../../policy/types";

const RDS = T.rds;
/** What components/aws/database.ts registers, in short. */
const good = {
  identifier: "throat-prod",
  engine: "postgres",
  storageEncrypted: true,
  publiclyAccessible: false,
  backupRetentionPeriod: 7,
  deletionProtection: true,
  skipFinalSnapshot: false,
  finalSnapshotIdentifier: "throat-prod-final",
};
const policies = [databasePrivateAndEncrypted, databaseKeepsData];
const check = (changes: Record<string, unknown>) =>
  messages([resource(RDS, "throat-prod-postgres", { ...good, ...changes })], policies);

test("a private, encrypted, protected instance with backups and a final snapshot passes", async () => {
  expect(await check({})).toEqual([]);
});

test("a public instance", async () => {
  expect(await check({ publiclyAccessible: true })).toEqual([
    "RDS instance throat-prod is publicly accessible: set publiclyAccessible: false. It belongs in the private subnets, reachable only from the app's security groups.",
  ]);
});

test("unencrypted storage, whether false or left to the default", async () => {
  const expected = [
    "RDS instance throat-prod does not encrypt its storage: set storageEncrypted: true (chosen at creation only: an existing instance is migrated by restoring an encrypted snapshot copy).",
  ];
  expect(await check({ storageEncrypted: false })).toEqual(expected);
  expect(await check({ storageEncrypted: undefined })).toEqual(expected);
});

test("no deletion protection", async () => {
  expect(await check({ deletionProtection: false })).toEqual([
    "RDS instance throat-prod has no deletion protection: set deletionProtection: true, so AWS refuses to delete the database.",
  ]);
});

test("no backups retained, or the retention left to AWS's default", async () => {
  expect(await check({ backupRetentionPeriod: 0 })).toEqual([
    "RDS instance throat-prod keeps no automated backups (backupRetentionPeriod 0): set backupRetentionPeriod to at least 1 day (throat:database.backupRetentionDays).",
  ]);
  expect(await check({ backupRetentionPeriod: undefined })).toEqual([
    "RDS instance throat-prod keeps no automated backups (backupRetentionPeriod unset): set backupRetentionPeriod to at least 1 day (throat:database.backupRetentionDays).",
  ]);
});

test("no final snapshot, or one without a name", async () => {
  expect(await check({ skipFinalSnapshot: true })).toEqual([
    "RDS instance throat-prod skips its final snapshot: set skipFinalSnapshot: false and a finalSnapshotIdentifier, so deleting it leaves a snapshot to restore.",
  ]);
  expect(await check({ finalSnapshotIdentifier: undefined })).toEqual([
    "RDS instance throat-prod takes a final snapshot but names none: set finalSnapshotIdentifier (AWS refuses to delete the instance without it).",
  ]);
});

test("every problem of one instance is reported, each once", async () => {
  expect(
    await check({
      publiclyAccessible: true,
      storageEncrypted: false,
      deletionProtection: false,
      backupRetentionPeriod: 0,
      skipFinalSnapshot: true,
    }),
  ).toHaveLength(5);
});

test("other resources are not RDS instances' business", async () => {
  expect(await messages([resource(T.rdsCluster, "aurora", { storageEncrypted: false })], policies)).toEqual([]);
});
