import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from '@vcc/auth';
import { ControllerConfig } from '@vcc/config';
import { DatabaseModule } from '@vcc/database';
import { AssignmentService } from './assignment/assignment.service';
import { GroupsRepository } from './assignment/groups.repository';
import { EventRepository } from './ingest/event.repository';
import { EventsController } from './ingest/events.controller';
import { EventsService } from './ingest/events.service';
import { IngestBodyLimitHook } from './ingest/ingest-body-limit';
import { PartitionMaintenance } from './ingest/partition-maintenance';
import { PartitionRepository } from './ingest/partition.repository';
import { SnapshotRepository } from './ingest/snapshot.repository';
import { SnapshotsController } from './ingest/snapshots.controller';
import { SnapshotsService } from './ingest/snapshots.service';
import { CollectorRepository } from './membership/collector.repository';
import { LeaseReaperCron } from './membership/lease-reaper.cron';
import { MembershipController } from './membership/membership.controller';
import { MembershipService } from './membership/membership.service';
import { RegistrationLimiter } from './membership/registration-limiter';
import { RebalancingController } from './rebalancing/rebalancing.controller';
import { RebalancingService } from './rebalancing/rebalancing.service';
import { ControllerMetrics } from './status/controller-metrics';
import { StatusController } from './status/status.controller';
import { StatusService } from './status/status.service';
import { EventNotifications } from './stream/event-notifications';
import { EventStreamController } from './stream/event-stream.controller';
import { EventStreamRepository } from './stream/event-stream.repository';
import { EventStreamService } from './stream/event-stream.service';
import { EventWatches } from './stream/event-watches';
import { PasswordCipher } from './vcenters/password-cipher';
import { VcenterImportService } from './vcenters/vcenter-import.service';
import { VcenterRepository } from './vcenters/vcenter.repository';
import { VcentersController } from './vcenters/vcenters.controller';
import { VcentersService } from './vcenters/vcenters.service';

/** The controller: one module, a folder per feature (vcenters, assignment, membership, rebalancing, ingest, stream, status). */
@Module({})
export class ControllerModule {
  static forRoot(config: ControllerConfig): DynamicModule {
    return {
      module: ControllerModule,
      imports: [
        DatabaseModule.forRoot(config.database),
        AuthModule.forRoot(config.auth),
        ScheduleModule.forRoot(),
      ],
      controllers: [
        VcentersController,
        MembershipController,
        RebalancingController,
        SnapshotsController,
        EventsController,
        EventStreamController,
        StatusController,
      ],
      providers: [
        { provide: PasswordCipher, useValue: new PasswordCipher(config.secrets.encryptionKey) },
        GroupsRepository,
        AssignmentService,
        VcenterRepository,
        VcentersService,
        VcenterImportService,
        CollectorRepository,
        MembershipService,
        RegistrationLimiter,
        LeaseReaperCron,
        RebalancingService,
        PartitionRepository,
        PartitionMaintenance,
        SnapshotRepository,
        SnapshotsService,
        EventRepository,
        EventsService,
        IngestBodyLimitHook,
        EventStreamRepository,
        EventStreamService,
        EventNotifications,
        EventWatches,
        ControllerMetrics,
        StatusService,
      ],
    };
  }
}
