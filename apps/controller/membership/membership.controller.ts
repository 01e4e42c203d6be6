import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { Roles } from '@vcc/auth';
import { IdParam } from '../common/id-param.dto';
import { AssignmentResponse, CollectorView, HeartbeatDto, RegisterDto } from './membership.dto';
import { MembershipService } from './membership.service';

@ApiTags('collector membership')
@ApiBearerAuth()
@Controller('api/v1/collectors')
export class MembershipController {
  constructor(private readonly membership: MembershipService) {}

  @Post('register')
  @Roles('collector')
  @UseGuards(ThrottlerGuard)
  @ApiCreatedResponse({ type: AssignmentResponse })
  @ApiTooManyRequestsResponse({ description: 'too many registrations from this address; see Retry-After' })
  register(@Body() body: RegisterDto, @Req() request: FastifyRequest): Promise<AssignmentResponse> {
    return this.membership.register(body, request.ip ?? null);
  }

  @Post(':id/heartbeat')
  @Roles('collector')
  @HttpCode(200)
  @ApiOkResponse({ type: AssignmentResponse })
  @ApiGoneResponse({ description: 'the collector was deregistered, drained, replaced or its lease expired' })
  heartbeat(@Param() { id }: IdParam, @Body() body: HeartbeatDto): Promise<AssignmentResponse> {
    return this.membership.heartbeat(id, body);
  }

  @Delete(':id')
  @Roles('collector', 'admin')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'deregistered; its group indices move to others from the next boundary',
  })
  deregister(@Param() { id }: IdParam): Promise<void> {
    return this.membership.deregister(id);
  }

  @Get()
  @Roles('admin', 'reader')
  @ApiOkResponse({ type: [CollectorView] })
  list(): Promise<CollectorView[]> {
    return this.membership.list();
  }

  @Get(':id')
  @Roles('admin', 'reader')
  @ApiOkResponse({ type: CollectorView })
  get(@Param() { id }: IdParam): Promise<CollectorView> {
    return this.membership.get(id);
  }
}
