import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vcc/auth';
import { IdParam } from '../common/id-param.dto';
import { CollectorView } from '../membership/membership.dto';
import { VcenterView } from '../vcenters/vcenter.dto';
import { GroupsView, MoveDto, ReorderDto, WeightDto } from './rebalancing.dto';
import { RebalancingService } from './rebalancing.service';

@ApiTags('rebalancing')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1')
export class RebalancingController {
  constructor(private readonly rebalancing: RebalancingService) {}

  @Get('vcenters/:id/groups')
  @Roles('admin', 'reader')
  @ApiOkResponse({ type: GroupsView })
  groups(@Param() { id }: IdParam): Promise<GroupsView> {
    return this.rebalancing.groups(id);
  }

  @Put('vcenters/:id/groups/order')
  @ApiOkResponse({ type: GroupsView })
  reorder(@Param() { id }: IdParam, @Body() body: ReorderDto): Promise<GroupsView> {
    return this.rebalancing.reorder(id, body.collectorIds);
  }

  @Post('vcenters/:id/pause')
  @HttpCode(200)
  @ApiOkResponse({
    type: VcenterView,
    description: 'members keep their indices but get no work from the next boundary',
  })
  pause(@Param() { id }: IdParam): Promise<VcenterView> {
    return this.rebalancing.setPaused(id, true);
  }

  @Post('vcenters/:id/resume')
  @HttpCode(200)
  @ApiOkResponse({ type: VcenterView })
  resume(@Param() { id }: IdParam): Promise<VcenterView> {
    return this.rebalancing.setPaused(id, false);
  }

  @Post('collectors/:id/move')
  @HttpCode(200)
  @ApiOkResponse({ type: CollectorView })
  move(@Param() { id }: IdParam, @Body() body: MoveDto): Promise<CollectorView> {
    return this.rebalancing.move(id, body.vcenter);
  }

  @Post('collectors/:id/drain')
  @HttpCode(200)
  @ApiOkResponse({ type: CollectorView, description: 'no work from the next boundary, then deregistered' })
  drain(@Param() { id }: IdParam): Promise<CollectorView> {
    return this.rebalancing.drain(id);
  }

  @Put('collectors/:id/weight')
  @ApiOkResponse({ type: CollectorView })
  setWeight(@Param() { id }: IdParam, @Body() body: WeightDto): Promise<CollectorView> {
    return this.rebalancing.setWeight(id, body.weight);
  }
}
