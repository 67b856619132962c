// Removing a stack by hand (bench phases, test teardown) until it is really gone. `docker stack rm` removes the
// services, then gives up on a network that a stopping task still holds (exit 1, "network … is in use by task"), so
// it is asked again until services and networks are gone. Berth may be tearing the same stack down (a closed PR):
// whoever removes a piece first wins, the other's error is moot.
import { waitFor } from "./wait-for.js";
import { docker, stackLabel as label } from "./docker-cli.js";

export async function removeAndWait(stack: string, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    `${stack} gone`,
    () => {
      try {
        if (docker("service", "ls", "-q", "--filter", label(stack))) docker("stack", "rm", stack);
        else {
          const networks = docker("network", "ls", "-q", "--filter", label(stack));
          if (!networks) return true;
          docker("network", "rm", ...networks.split("\n"));
        }
      } catch {
        // still in use, or already being removed: the next look decides
      }
      return undefined;
    },
    timeoutMs,
    1000,
  );
}
