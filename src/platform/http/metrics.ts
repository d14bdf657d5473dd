import { timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { Registry } from 'prom-client';
import type { MetricsConfig } from '../config';
import { ErrorCode } from '../errors';
import { listen, type Listening } from './listen';
import { sendError } from './respond';

/** The scrape of one or more registries (a gateway may have a subgraph's beside its own) as one. */
async function scrape(res: Response, registries: () => Registry[]): Promise<void> {
  const list = registries();
  const merged = list.length === 1 ? (list[0] as Registry) : Registry.merge(list);
  res.type(merged.contentType).send(await merged.metrics());
}

function tokenMatches(req: Request, token: string): boolean {
  const presented = Buffer.from(/^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * `/metrics` on the API port only behind METRICS_TOKEN; without a token it is
 * not on the API port at all (serve it with METRICS_PORT instead), so callers
 * of the API can neither read it nor make scraping slow.
 */
export function metricsRoute(app: Express, config: MetricsConfig, registries: () => Registry[]): void {
  const { token } = config;
  if (!token) return;
  app.get('/metrics', async (req, res) => {
    if (!tokenMatches(req, token)) return sendError(res, ErrorCode.UNAUTHENTICATED, 'Metrics need `Authorization: Bearer <METRICS_TOKEN>`.');
    await scrape(res, registries);
  });
}

/** METRICS_PORT: a listener of its own that serves only /metrics. */
export async function startMetricsServer(config: MetricsConfig, host: string, registries: () => Registry[]): Promise<Listening | undefined> {
  if (config.port === undefined) return undefined;
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', (_req, res) => void scrape(res, registries));
  return listen(app, config.port, host);
}
