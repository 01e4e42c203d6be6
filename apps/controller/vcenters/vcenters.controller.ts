import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '@vcc/auth';
import { IdParam } from '../common/id-param.dto';
import { CreateVcenterDto, UpdateVcenterDto, VcenterView } from './vcenter.dto';
import { VcentersService } from './vcenters.service';

@ApiTags('vCenter catalogue')
@ApiBearerAuth()
@Roles('admin', 'reader')
@Controller('api/v1/vcenters')
export class VcentersController {
  constructor(private readonly vcenters: VcentersService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: VcenterView })
  create(@Body() body: CreateVcenterDto): Promise<VcenterView> {
    return this.vcenters.create(body);
  }

  @Get()
  @ApiOkResponse({ type: [VcenterView] })
  list(): Promise<VcenterView[]> {
    return this.vcenters.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: VcenterView })
  get(@Param() { id }: IdParam): Promise<VcenterView> {
    return this.vcenters.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: VcenterView })
  update(@Param() { id }: IdParam, @Body() body: UpdateVcenterDto): Promise<VcenterView> {
    return this.vcenters.update(id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'deleted; its collectors are placed again at their next heartbeat' })
  remove(@Param() { id }: IdParam): Promise<void> {
    return this.vcenters.remove(id);
  }
}
