import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles, type AuthenticatedRequest } from '@vcc/auth';
import { UploadIdParam, UploadView } from './upload.dto';
import { UploadsService } from './uploads.service';

const ACCEPTED =
  'checked and queued; poll GET /api/ingress/v1/jobs/{id}. 400 for a bad package (naming the fault), 413 over uploads.maxBytes';

@ApiTags('node uploads')
@ApiBearerAuth()
@Controller()
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post('api/ingress/v1/upload')
  @Roles('collector', 'uploader')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
    description: 'a koku-metrics-operator package (tar.gz): manifest.json and the CSVs it lists',
  })
  @ApiAcceptedResponse({ type: UploadView, description: ACCEPTED })
  upload(@Req() request: AuthenticatedRequest): Promise<UploadView> {
    return this.uploads.accept(request, request.principal!.name);
  }

  /** The path cost-metrics-aggregator answers on, misspelt; operators may be configured with it. */
  @Post('api/ingres/v1/upload')
  @Roles('collector', 'uploader')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiAcceptedResponse({ type: UploadView, description: `the same as /api/ingress/v1/upload; ${ACCEPTED}` })
  uploadMisspelt(@Req() request: AuthenticatedRequest): Promise<UploadView> {
    return this.uploads.accept(request, request.principal!.name);
  }

  @Get('api/ingress/v1/jobs/:id')
  @Roles('admin', 'collector', 'uploader', 'reader')
  @ApiOkResponse({ type: UploadView, description: 'an upload job: state and counts' })
  job(@Param() { id }: UploadIdParam): Promise<UploadView> {
    return this.uploads.get(id);
  }
}
