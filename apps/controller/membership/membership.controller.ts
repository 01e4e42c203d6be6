import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
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
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles, type AuthenticatedRequest } from '@vcc/auth';
import { COLLECTOR_SECRET_HEADER } from '@vcc/contract';
import { IdParam } from '../common/id-param.dto';
import {
  AssignmentResponse,
  CollectorView,
  CredentialsParams,
  CredentialsView,
  HeartbeatDto,
  RegisterDto,
  RegistrationResponse,
} from './membership.dto';
import { MembershipService } from './membership.service';
import { RegistrationLimiter } from './registration-limiter';

const SECRET_HEADER = {
  name: COLLECTOR_SECRET_HEADER,
  required: true,
  description: 'the secret the registration of this collector returned',
};

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
  @ApiCreatedResponse({ type: RegistrationResponse })
  @ApiConflictResponse({ description: 'another instance holds the name and its lease has not expired' })
  @ApiTooManyRequestsResponse({
    description: 'too many valid registrations with this token from this address; see Retry-After',
  })
  register(
    @Body() body: RegisterDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistrationResponse> {
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
  @ApiHeader(SECRET_HEADER)
  @ApiOkResponse({ type: AssignmentResponse })
  @ApiForbiddenResponse({ description: 'the secret is not the one this collector id was registered with' })
  @ApiNotFoundResponse({ description: "no collector with this id; the body's gone is unknown" })
  @ApiGoneResponse({
    description:
      "the collector was deregistered, drained, replaced or its lease expired; the body's gone says which to act on: drained (stop), expired or unknown (register again)",
  })
  heartbeat(
    @Param() { id }: IdParam,
    @Headers(COLLECTOR_SECRET_HEADER) secret: string | undefined,
    @Body() body: HeartbeatDto,
  ): Promise<AssignmentResponse> {
    return this.membership.heartbeat(id, secret, body);
  }

  @Get(':id/credentials/:vcenterId')
  @Roles('collector')
  @ApiHeader(SECRET_HEADER)
  @ApiOkResponse({ type: CredentialsView })
  @ApiForbiddenResponse({
    description:
      'the secret is wrong, or the collector holds no group indices on this vCenter now or from the next boundary (or it is paused)',
  })
  credentials(
    @Param() { id, vcenterId }: CredentialsParams,
    @Headers(COLLECTOR_SECRET_HEADER) secret: string | undefined,
  ): Promise<CredentialsView> {
    return this.membership.credentials(id, secret, vcenterId);
  }

  @Delete(':id')
  @Roles('collector', 'admin')
  @HttpCode(204)
  @ApiHeader({
    ...SECRET_HEADER,
    description: `${SECRET_HEADER.description}; not needed with an admin token`,
  })
  @ApiNoContentResponse({
    description: 'deregistered; its group indices move to others from the next boundary',
  })
  deregister(
    @Param() { id }: IdParam,
    @Headers(COLLECTOR_SECRET_HEADER) secret: string | undefined,
    @Req() request: AuthenticatedRequest,
  ): Promise<void> {
    return this.membership.deregister(id, secret, request.principal!.role === 'admin');
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
