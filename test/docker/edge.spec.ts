// The Edge tier built alone: the one container that publishes ports, named as given, with the
// plan's nginx files and certificate uploaded, replaced whenever the set of workers changes.
import * as docker from "@pulumi/docker";
import type { Plan } from "../../components/plan";
import { Edge, EdgeArgs } from "../../components/docker/edge";
import { EDGE_PATHS } from "../../components/plan/names";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { T } from "../../policy/types";
import { buildAlone, childrenOf, namesOf, testPlan } from "./component";
import { isSecretValue, labelOf, uploadsOf } from "./support";

const CERT = "-----BEGIN CERTIFICATE-----\noperator-cert\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\noperator-key\n-----END PRIVATE KEY-----\n";

function build(plan: Plan, extra: Partial<EdgeArgs> = {}, config: Record<string, string> = {}) {
  return buildAlone(
    () => {
      const network = new docker.Network("the-net", { name: "the-net" }).name;
      const workers = ["worker-b", "worker-a"].map(
        (n) => new docker.Container(n, { name: n, image: "sha256:throat", networksAdvanced: [{ name: network }] }),
      );
      new Edge("edge", {
        containerName: namesOf(plan).edge,
        stack: plan.settings.stack,
        tls: plan.settings,
        ports: { httpPort: 8080, httpsPort: 8443 },
        edge: plan.edge,
        image: "sha256:edge",
        network,
        workers,
        ...extra,
      });
    },
    { config, secretKeys: Object.keys(config).filter((k) => k.endsWith("tlsKey")) },
  );
}

let plan: Plan;
let run: ProgramRun;
beforeAll(async () => {
  plan = testPlan();
  run = await build(plan);
});

const edgeOf = (r: ProgramRun, p: Plan) => childrenOf(r, "throat:docker:Edge")[namesOf(p).edge]!;

test("one container with the given name, publishing nginx's 80 and 443 on the given host ports", () => {
  const edge = edgeOf(run, plan);
  expect(edge.type).toBe(T.container);
  expect(edge.inputs.name).toBe(namesOf(plan).edge);
  expect(edge.inputs.ports).toEqual([
    { internal: EDGE_PATHS.httpPort, external: 8080 },
    { internal: EDGE_PATHS.httpsPort, external: 8443 },
  ]);
  expect(edge.inputs.ulimits).toEqual([{ name: "nofile", soft: plan.edge.nofile, hard: plan.edge.nofile }]);
  // The fixed name and the ports belong to one container at a time.
  expect(edge.deleteBeforeReplace).toBe(true);
});

test("every rendered nginx file is uploaded where nginx.conf includes it", () => {
  const uploads = uploadsOf(edgeOf(run, plan));
  expect(Object.keys(plan.edge.nginxFiles).length).toBeGreaterThan(0);
  for (const [file, content] of Object.entries(plan.edge.nginxFiles))
    expect(uploads[`/etc/nginx/${file}`]?.content).toBe(content);
});

test("without throat:tlsKey: a self-signed certificate for the site name, its key uploaded 0600 as a secret", () => {
  const children = childrenOf(run, "throat:docker:Edge");
  const cert = children[`${plan.settings.namePrefix}-tls-cert`]!;
  expect(cert.type).toBe("tls:index/selfSignedCert:SelfSignedCert");
  expect(cert.inputs).toMatchObject({
    subject: { commonName: plan.settings.siteName },
    dnsNames: [plan.settings.siteName],
  });
  const edge = edgeOf(run, plan);
  expect(uploadsOf(edge)[EDGE_PATHS.tls.keyPath]?.permissions).toBe("0600");
  const raw = edge.rawInputs.uploads as { file: string; content: unknown }[];
  expect(raw.filter((u) => isSecretValue(u.content)).map((u) => u.file)).toEqual([EDGE_PATHS.tls.keyPath]);
});

test("with throat:tlsKey: the operator's certificate and key, nothing self-signed", async () => {
  const own = testPlan({ tlsCertificate: CERT, tlsKey: KEY }, ["throat:tlsKey"]);
  const ownRun = await build(own, {}, { "throat:tlsCertificate": CERT, "throat:tlsKey": KEY });
  expect(ownRun.resources.filter((r) => r.type.startsWith("tls:"))).toEqual([]);
  const uploads = uploadsOf(edgeOf(ownRun, own));
  expect(uploads[EDGE_PATHS.tls.certificatePath]?.content).toBe(CERT);
  expect(uploads[EDGE_PATHS.tls.keyPath]?.content).toBe(KEY);
});

test("the upstreams label carries the workers' ids, sorted, and the edge waits for them", () => {
  const edge = edgeOf(run, plan);
  expect(labelOf(edge, "throat.upstreams")).toBe("worker-a-id,worker-b-id");
  expect(labelOf(edge, "throat.stack")).toBe(plan.settings.stack);
  const workerUrns = run.resources.filter((r) => r.name.startsWith("worker-")).map((r) => r.urn);
  expect(edge.dependencies).toEqual(expect.arrayContaining(workerUrns));
});
