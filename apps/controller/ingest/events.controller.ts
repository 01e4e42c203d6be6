import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vcc/auth';
import { IdParam } from '../common/id-param.dto';
import { EventBatchDto, EventBatchResultView, LastEventKeyView } from './event.dto';
import { EventsService } from './events.service';
import { IngestRoute } from './ingest-body-limit';

@ApiTags('ingest')
@ApiBearerAuth()
@Controller('api/v1')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post('events')
  @Roles('collector')
  @IngestRoute()
  @HttpCode(200)
  @ApiOkResponse({
    type: EventBatchResultView,
    description:
      'stored; events whose key is stored already are skipped. 400 for a createdTime outside the ingest window or a key too far ahead of the stored last key',
  })
  @ApiPayloadTooLargeResponse({ description: 'body larger than ingest.bodyLimitBytes' })
  store(@Body() body: EventBatchDto): Promise<EventBatchResultView> {
    return this.events.store(body, 'collector');
  }

  @Post('events/backfill')
  @Roles('admin')
  @IngestRoute()
  @HttpCode(200)
  @ApiOkResponse({
    type: EventBatchResultView,
    description: 'stored like a collector batch, but with events of any time and key',
  })
  @ApiPayloadTooLargeResponse({ description: 'body larger than ingest.bodyLimitBytes' })
  backfill(@Body() body: EventBatchDto): Promise<EventBatchResultView> {
    return this.events.store(body, 'backfill');
  }

  @Get('vcenters/:id/events/last-key')
  @Roles('collector', 'admin', 'reader')
  @ApiOkResponse({
    type: LastEventKeyView,
    description: 'where a collector resumes tailing the event history',
  })
  lastKey(@Param() { id }: IdParam): Promise<LastEventKeyView> {
    return this.events.lastKey(id);
  }
}
