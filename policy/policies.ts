// Every policy of the pack, in the order a reviewer reads them. index.ts builds the PolicyPack
// from this list; the tests import it (constructing a PolicyPack starts a gRPC server).
import type { Policies } from "@pulumi/policy";
import { connectionBudget } from "./budget";
import { databaseKeepsData, databasePrivateAndEncrypted } from "./database";
import { internetIngress } from "./ingress";
import { logBucketsPrivateAndEncrypted, prodAlarms } from "./operations";
import { privateBuckets } from "./storage";
import { taskDefinitionSecrets } from "./taskSecrets";
import { asyncWorkerConnections } from "./workerConnections";

export const policies: Policies = [
  databasePrivateAndEncrypted,
  databaseKeepsData,
  internetIngress,
  taskDefinitionSecrets,
  asyncWorkerConnections,
  connectionBudget,
  prodAlarms,
  logBucketsPrivateAndEncrypted,
  privateBuckets,
];
