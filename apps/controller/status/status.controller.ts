import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vcc/auth';
import { ClusterStatusView } from './status.dto';
import { StatusService } from './status.service';

@ApiTags('status')
@ApiBearerAuth()
@Roles('admin', 'reader')
@Controller('api/v1/cluster')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get('status')
  @ApiOkResponse({ type: ClusterStatusView })
  get(): Promise<ClusterStatusView> {
    return this.status.status();
  }
}
