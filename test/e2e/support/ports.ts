// Free TCP ports on the loopback interface. The sandbox has no other network,
// and every server the e2e tests start binds 127.0.0.1 only.
import { createServer } from "node:net";

// Ports handed out by this process: the kernel may return a port again once
// the probe socket is closed, before the server meant to use it has bound it.
const handedOut = new Set<number>();

function probe(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A TCP port that is free on 127.0.0.1 and not yet given out by this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await probe();
    if (port > 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error("freePort: no unused port found after 50 attempts");
}
