import { Logger, Module } from '@nestjs/common';
import { CollectorConfig } from '@vcc/config';
import { VimFaultError } from '@vcc/vsphere';
import { CollectionPipeline, createCollectionPipeline } from './collection/collection.pipeline';
import { ControllerClient, controllerTls } from './controller/controller.client';
import { CycleScheduler } from './cycles/cycle-scheduler.service';
import { EventTailJob } from './events/event-tail.job';
import { MembershipService } from './membership/membership.service';
import { CollectorHealthService } from './observability/collector-health.service';
import { CollectorMetrics } from './observability/collector.metrics';
import { InventorySnapshotJob } from './snapshots/inventory-snapshot.job';

/** The pipeline of the running collector, its writer and sessions reporting to the metrics and the log. */
function collectionPipeline(config: CollectorConfig, metrics: CollectorMetrics): CollectionPipeline {
  const logger = new Logger('Collector');
  if (config.sinks.length === 0) logger.warn('no sinks configured: samples are read and discarded');
  return createCollectionPipeline(config, {
    metrics,
    writerObserver: {
      written: (sink, lines) => metrics.linesWritten.inc({ sink }, lines),
      buffered: (lines) => metrics.linesBuffered.set(lines),
      failed: (sink, lines, error, retryIn, firstLine) => {
        metrics.linesFailed.inc({ sink, action: retryIn === undefined ? 'dropped' : 'retry' }, lines);
        if (retryIn === undefined)
          logger.error(`${sink} refused ${lines} lines, dropped: ${error.message}; first line: ${firstLine}`);
        else
          logger.warn(
            `${sink} failed for ${lines} lines, retrying in ${Math.round(retryIn / 1000)} s: ${error.message}`,
          );
      },
    },
    sessionObserver: (vcenter) => ({
      call: (operation, seconds, error) => {
        metrics.callLatency.observe({ operation }, seconds);
        // A cycle that dies on a control-plane call (CurrentTime, RetrievePropertiesEx…) counts it too.
        if (error) metrics.requests.inc({ result: error instanceof VimFaultError ? 'fault' : 'error' });
      },
      relogin: (reason) => {
        metrics.relogins.inc();
        logger.warn(`vCenter session gone (${reason}); logged in again`);
      },
      connectFailed: (error) => {
        metrics.connectFailures.inc();
        logger.warn(`cannot connect to ${vcenter.name} (${vcenter.sdkUrl}): ${(error as Error).message}`);
      },
    }),
  });
}

/**
 * The collector in cluster mode, one job per provider: membership (register, heartbeat, fencing),
 * the cycle scheduler, the perf pipeline, the inventory-snapshot and event-tail jobs on their own
 * timers, and the health check.
 */
@Module({
  providers: [
    CollectorMetrics,
    {
      provide: ControllerClient,
      inject: [CollectorConfig],
      useFactory: (config: CollectorConfig) => {
        if (config.controller.insecure)
          new Logger('Collector').warn(
            "controller.insecure is set: the controller's certificate is not checked",
          );
        return new ControllerClient(
          config.controller.url!,
          config.controller.token!,
          config.controller.timeoutSeconds * 1000,
          controllerTls(config.controller),
        );
      },
    },
    {
      provide: CollectionPipeline,
      inject: [CollectorConfig, CollectorMetrics],
      useFactory: collectionPipeline,
    },
    MembershipService,
    CycleScheduler,
    InventorySnapshotJob,
    EventTailJob,
    CollectorHealthService,
  ],
})
export class CollectorModule {}
