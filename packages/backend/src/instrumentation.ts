/*
 * Prometheus metrics: Backstage's metrics service (and with it the runners plugin's fleet gauges
 * and reconciler/sweeper counters) records through OpenTelemetry's global meter provider, which
 * must exist before any plugin creates a meter — so this module is imported first.
 * Scrape http://127.0.0.1:${PROMETHEUS_PORT:-9464}/metrics; PROMETHEUS_METRICS=false turns it off.
 */
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

if (process.env.PROMETHEUS_METRICS !== 'false') {
  const exporter = new PrometheusExporter({
    host: process.env.PROMETHEUS_HOST ?? '127.0.0.1',
    port: Number(process.env.PROMETHEUS_PORT ?? 9464),
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}
