import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * A `node:http` request handler that serves `registry` in the Prometheus text format, with the
 * registry's content type, on any method and path. A failed collection is told to `report` and
 * answered with a 500.
 */
export function metricsHandler(
  registry: Registry,
  report: (error: unknown) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'Content-Type': registry.contentType });
        res.end(body);
      },
      (error: unknown) => {
        report(error);
        try {
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('metrics collection failed\n');
        } catch (inner) {
          report(inner);
        }
      },
    );
  };
}
