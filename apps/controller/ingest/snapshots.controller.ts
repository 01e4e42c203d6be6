import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vcc/auth';
import { IngestRoute } from './ingest-body-limit';
import { ShardResultView, SnapshotQueryDto, SnapshotShardDto, SnapshotView } from './snapshot.dto';
import { SnapshotsService } from './snapshots.service';

@ApiTags('ingest')
@ApiBearerAuth()
@Controller('api/v1/inventory/snapshots')
export class SnapshotsController {
  constructor(private readonly snapshots: SnapshotsService) {}

  @Post()
  @Roles('collector')
  @IngestRoute()
  @HttpCode(200)
  @ApiOkResponse({
    type: ShardResultView,
    description: 'stored; posting the same shard again leaves the same rows',
  })
  @ApiPayloadTooLargeResponse({ description: 'body larger than ingest.bodyLimitBytes' })
  store(@Body() body: SnapshotShardDto): Promise<ShardResultView> {
    return this.snapshots.store(body);
  }

  @Get()
  @Roles('admin', 'reader')
  @ApiOkResponse({ type: [SnapshotView] })
  list(@Query() query: SnapshotQueryDto): Promise<SnapshotView[]> {
    return this.snapshots.list(query.vcenter, query.limit ?? 24);
  }
}
