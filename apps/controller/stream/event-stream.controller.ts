import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '@vcc/auth';
import {
  CloudEventView,
  EventPageView,
  EventsQueryDto,
  OffsetParam,
  RangeView,
  VcenterQueryDto,
} from './event-stream.dto';
import { EventStreamService } from './event-stream.service';
import { EventWatches } from './event-watches';

/** The event stream API, compatible with vsphere-event-streaming's routes. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('api/v1')
export class EventStreamController {
  constructor(
    private readonly stream: EventStreamService,
    private readonly watches: EventWatches,
  ) {}

  @Get('range')
  @Roles('reader', 'admin')
  @ApiOkResponse({ type: RangeView })
  @ApiNoContentResponse({ description: 'no events stored for the vCenter yet' })
  async range(
    @Query() { vcenter }: VcenterQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RangeView | undefined> {
    const range = await this.stream.range(vcenter);
    if (!range) reply.status(204);
    return range ?? undefined;
  }

  @Get('events/:offset')
  @Roles('reader', 'admin')
  @ApiOkResponse({ type: CloudEventView })
  @ApiBadRequestResponse({ description: 'invalid offset: purged or in the future' })
  @ApiNotFoundResponse({ description: 'no event with that key (vCenter keys may have gaps)' })
  one(@Param() { offset }: OffsetParam, @Query() { vcenter }: VcenterQueryDto): Promise<CloudEventView> {
    return this.stream.one(vcenter, offset);
  }

  @Get('events')
  @Roles('reader', 'admin')
  @ApiProduces('application/json', 'application/x-ndjson')
  @ApiOkResponse({
    type: EventPageView,
    description:
      'a page; with watch=true, newline-delimited CloudEvents (application/x-ndjson) as they arrive, with {"heartbeat": time} lines while idle',
  })
  async list(@Query() query: EventsQueryDto, @Res() reply: FastifyReply): Promise<void> {
    if (query.watch !== 'true') {
      await reply.send(await this.stream.page(query));
      return;
    }
    const { vcenter, afterKey, keep } = await this.stream.watch(query);
    // The stream is written to the socket directly; Fastify must not answer this request itself.
    reply.hijack();
    const response = reply.raw;
    // http.requestTimeoutSeconds limits how long a request may take to arrive and how long a
    // connection may idle; a watch is a long answer, and the client is only reading.
    response.socket?.setTimeout(0);
    response.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-cache',
      // Proxies that buffer responses (nginx) would hold events back.
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    this.watches.open(vcenter.id, vcenter, afterKey, keep, response);
  }
}
