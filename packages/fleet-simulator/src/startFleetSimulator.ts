import { Cdi } from './cdi';
import { SimulationClock } from './clock';
import { Informers, SimContext } from './context';
import {
  EventRecorder,
  SimulatorEvent,
  SimulatorEventListener,
} from './events';
import { GarbageCollector } from './gc';
import { Keda } from './keda';
import { ScalerState } from './keda/types';
import { KubeClient } from './kube/KubeClient';
import { KubeVirt } from './kubevirt';
import { FleetSimulatorOptions } from './options';
import { Random } from './random';
import { Runners } from './runner';
import { RunnerState } from './runner/gitlabRunner';
import { resolveSettings } from './settings';
import { Traffic, TrafficState } from './traffic';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { renderVirtHandlerMetrics } from './metrics/virtHandler';

/** Everything the simulator is doing, for tests and the CLI. @public */
export interface FleetSimulatorState {
  /** One entry per VM whose gitlab-runner started (or failed to). */
  runners: RunnerState[];
  /** One entry per ScaledObject. */
  scalers: ScalerState[];
  /** Undefined when traffic is off. */
  traffic?: TrafficState;
}

/** A running simulator. @public */
export interface FleetSimulator {
  /** The simulated clock every actor uses. */
  readonly clock: SimulationClock;
  /** `http://127.0.0.1:<port>/metrics` when `metricsPort` was given: virt-handler's metrics. */
  readonly metricsUrl?: string;
  /** Recent events, oldest first. */
  events(): SimulatorEvent[];
  /** Calls `listener` for every new event; returns an unsubscribe function. */
  onEvent(listener: SimulatorEventListener): () => void;
  /**
   * Resolves with the first event (recorded already or later) that matches; rejects after
   * `timeoutMs` real ms (default 20 s).
   */
  waitForEvent(
    predicate: (event: SimulatorEvent) => boolean,
    timeoutMs?: number,
  ): Promise<SimulatorEvent>;
  state(): FleetSimulatorState;
  /** Stops watching, cancels every timer and loop; VMIs keep their finalizer, as with KubeVirt down. */
  stop(): Promise<void>;
}

/**
 * Starts the fleet simulator against a Kubernetes control plane and a GitLab (emulator): it
 * plays KubeVirt (VMIRS, VirtualMachinePool, VM and VMI controllers), CDI (DataVolume clones,
 * DataSources), KEDA (ScaledObjects with the HPA formula), gitlab-runner in every Running VM,
 * a garbage collector for what it creates, and optionally CI job traffic. Resolves once every
 * watch is established.
 *
 * @public
 */
export async function startFleetSimulator(
  options: FleetSimulatorOptions,
): Promise<FleetSimulator> {
  const settings = resolveSettings(options);
  const clock =
    options.clock ?? new SimulationClock({ timeScale: options.timeScale });
  const events = new EventRecorder({ clock, log: options.logger });
  const kube = new KubeClient(options.kubeConfig);
  const informers = new Informers(
    kube,
    message => events.log('kubevirt', message),
    options.namespaces,
  );
  const ctx: SimContext = {
    kube,
    clock,
    random: new Random(options.seed ?? 1),
    events,
    settings,
    informers,
  };

  const gc = new GarbageCollector(ctx);
  const kubevirt = settings.roles.kubevirt ? new KubeVirt(ctx) : undefined;
  const cdi = settings.roles.cdi ? new Cdi(ctx) : undefined;
  const keda = settings.roles.keda ? new Keda(ctx) : undefined;
  const runners = settings.roles.runner ? new Runners(ctx) : undefined;
  if (kubevirt && runners) kubevirt.onShutdown(runners.drain);
  const traffic = options.traffic
    ? new Traffic(ctx, options.traffic)
    : undefined;

  await informers.start();
  gc.sweep();
  traffic?.start();

  let metrics: Server | undefined;
  if (options.metricsPort !== undefined) {
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader('Content-Type', 'text/plain; version=0.0.4');
      res.end(renderVirtHandlerMetrics(runners?.usage() ?? []));
    });
    await new Promise<void>(resolve =>
      server.listen(options.metricsPort, '127.0.0.1', resolve),
    );
    metrics = server;
  }

  let stopped: Promise<void> | undefined;
  return {
    clock,
    metricsUrl: metrics
      ? `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics`
      : undefined,
    events: () => events.list(),
    onEvent: listener => events.subscribe(listener),
    waitForEvent: (predicate, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const found = events.list().find(predicate);
        if (found) {
          resolve(found);
          return;
        }
        let timer: NodeJS.Timeout | undefined = undefined;
        const unsubscribe = events.subscribe(event => {
          if (!predicate(event)) return;
          clearTimeout(timer);
          unsubscribe();
          resolve(event);
        });
        timer = setTimeout(() => {
          unsubscribe();
          reject(
            new Error(`no matching simulator event within ${timeoutMs} ms`),
          );
        }, timeoutMs);
      }),
    state: () => ({
      runners: runners?.states() ?? [],
      scalers: keda?.states() ?? [],
      traffic: traffic?.state,
    }),
    stop: () => {
      stopped =
        stopped ??
        (async () => {
          await traffic?.stop();
          await new Promise(resolve =>
            metrics ? metrics.close(resolve) : resolve(undefined),
          );
          await informers.stop();
          await Promise.all([
            keda?.stop(),
            runners?.stop(),
            kubevirt?.stop(),
            cdi?.stop(),
            gc.stop(),
          ]);
          clock.cancelAll();
        })();
      return stopped;
    },
  };
}
