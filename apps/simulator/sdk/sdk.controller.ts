import { Body, Controller, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SdkService } from './sdk.service';
import { API_VERSION } from './service-instance.service';

// What vCenter 7.0.3 serves; pyVmomi reads it to choose the API version it speaks.
const SERVICE_VERSIONS = `<?xml version="1.0" encoding="UTF-8" ?>
<namespaces version="1.0">
  <namespace>
    <name>urn:vim25</name>
    <version>${API_VERSION}</version>
    <priorVersions>
      <version>7.0.2.0</version>
      <version>7.0.1.0</version>
      <version>7.0.0.0</version>
      <version>6.7.3</version>
      <version>6.7.2</version>
      <version>6.7.1</version>
      <version>6.7</version>
      <version>6.5</version>
      <version>6.0</version>
      <version>5.5</version>
      <version>5.1</version>
      <version>5.0</version>
    </priorVersions>
  </namespace>
</namespaces>
`;

/** The vim25 SOAP endpoint, at /sdk as on vCenter. */
@Controller('sdk')
export class SdkController {
  constructor(private readonly sdk: SdkService) {}

  @Post()
  @HttpCode(200)
  call(@Body() body: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.sdk.serve(body, request, reply);
  }

  @Get('vimServiceVersions.xml')
  @Header('Content-Type', 'text/xml; charset=utf-8')
  versions(): string {
    return SERVICE_VERSIONS;
  }
}
