import { HttpAuthService } from '@backstage/backend-plugin-api';
import { createOpenApiRouter } from '../schema/openapi';
import { AdviceService } from './AdviceService';
import { showbackCsv } from './showback';
import { ShowbackService } from './ShowbackService';

type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/**
 * Showback (JSON and CSV) and right-sizing advice. Reads only the persisted history and the
 * pool store, never a cluster; applying advice is a pool change like any other.
 */
export function addCapacityRoutes(
  router: ApiRouter,
  options: {
    httpAuth: HttpAuthService;
    showback: ShowbackService;
    advice: AdviceService;
  },
): void {
  const { httpAuth, showback, advice } = options;
  const readers = { allow: ['user', 'service'] as Array<'user' | 'service'> };
  const users = { allow: ['user'] as Array<'user'> };

  router.get('/advice/sources', async (req, res) => {
    await httpAuth.credentials(req, readers);
    res.json(advice.sources());
  });

  router.get('/advice', async (req, res) => {
    const credentials = await httpAuth.credentials(req, readers);
    res.json({ items: await advice.list(credentials, req.query) });
  });

  router.post('/advice/:adviceId/apply', async (req, res) => {
    const credentials = await httpAuth.credentials(req, users);
    res.status(202).json(await advice.apply(req.params.adviceId, credentials));
  });

  router.post('/advice/:adviceId/dismiss', async (req, res) => {
    const credentials = await httpAuth.credentials(req, users);
    await advice.dismiss(req.params.adviceId, credentials);
    res.status(204).end();
  });

  router.get('/showback', async (req, res) => {
    const credentials = await httpAuth.credentials(req, readers);
    res.json(await showback.report(credentials, req.query));
  });

  router.get('/showback/csv', async (req, res) => {
    const credentials = await httpAuth.credentials(req, readers);
    const report = await showback.report(credentials, req.query);
    const name = `showback-${req.query.team ?? 'fleet'}-${report.from.slice(
      0,
      10,
    )}-${report.to.slice(0, 10)}.csv`.replace(/[^\w.-]/g, '_');
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.send(showbackCsv(report));
  });
}
