import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles, type AuthenticatedRequest } from '@vcc/auth';
import { IdParam } from '../common/id-param.dto';
import { AssignmentResponse, CollectorView, HeartbeatDto, RegisterDto } from './membership.dto';
import { MembershipService } from './membership.service';
import { RegistrationLimiter } from './registration-limiter';

@ApiTags('collector membership')
@ApiBearerAuth()
@Controller('api/v1/collectors')
export class MembershipController {
  constructor(
    private readonly membership: MembershipService,
    private readonly limiter: RegistrationLimiter,
  ) {}

  @Post('register')
  @Roles('collector')
  @ApiCreatedResponse({ type: AssignmentResponse })
  @ApiConflictResponse({ description: 'another instance holds the name and its lease has not expired' })
  @ApiTooManyRequestsResponse({
    description: 'too many valid registrations with this token from this address; see Retry-After',
  })
  register(
    @Body() body: RegisterDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssignmentResponse> {
    // Counted here, after validation: bad requests do not use up the budget.
    const address = request.ip ?? null;
    const waitSeconds = this.limiter.take(request.principal!.name, address, Date.now());
    if (waitSeconds > 0) {
      void reply.header('Retry-After', String(waitSeconds));
      throw new HttpException(
        {
          statusCode: HttpStatus.TOO_MANY_REQUESTS,
          error: 'Too Many Requests',
          message: `more than membership.registerLimitPerMinute registrations with this token from ${address ?? 'this address'}; retry in ${waitSeconds} s`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return this.membership.register(body, address);
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
