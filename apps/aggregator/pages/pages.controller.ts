import { createReadStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Body, Controller, Get, HttpException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '@vcc/auth';
import { PublicRoute } from '@vcc/platform';
import { html, type Html } from './html';
import { layout, loginPage, type PageContent } from './layout';
import { ReportStore, XLSX_TYPE } from '../reports/report-store';
import { ReportNameParam } from '../reports/reports.dto';
import {
  DailyPageQuery,
  LoginForm,
  PAGE_PATH,
  ReportsPageQuery,
  TotalsPageQuery,
  VmPageQuery,
} from './pages.dto';
import { PageSession, PAGES_PATH } from './page-session';
import { PagesService } from './pages.service';

/** No inline script or style can run, and no other site may frame the pages. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The browser files, read once: Chart.js's UMD build from node_modules and the pages' own script and style. */
function loadAssets(): Map<string, { type: string; body: Buffer }> {
  const own = join(__dirname, 'assets');
  return new Map([
    [
      'chart.umd.js',
      {
        type: 'text/javascript',
        body: readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.js')),
      },
    ],
    ['pages.js', { type: 'text/javascript', body: readFileSync(join(own, 'pages.js')) }],
    ['pages.css', { type: 'text/css', body: readFileSync(join(own, 'pages.css')) }],
    ['favicon.svg', { type: 'image/svg+xml', body: readFileSync(join(own, 'favicon.svg')) }],
  ]);
}

/**
 * Server-rendered pages for people: open without a bearer token at the API layer (PublicRoute),
 * and checked here instead, since a browser brings a session cookie rather than a header, and a
 * person without either is sent to the login form rather than answered 401.
 */
@ApiExcludeController()
@Controller('pages')
export class PagesController {
  private readonly assets = loadAssets();

  constructor(
    private readonly session: PageSession,
    private readonly pages: PagesService,
    private readonly reports: ReportStore,
  ) {}

  @Get()
  @PublicRoute()
  home(@Res() reply: FastifyReply): void {
    void reply.redirect(`${PAGES_PATH}/totals`, 303);
  }

  @Get('assets/:file')
  @PublicRoute()
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const asset = this.assets.get(file);
    if (!asset) {
      void reply.code(404).type('text/plain').send('no such asset');
      return;
    }
    void reply
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'public, max-age=3600')
      .type(asset.type)
      .send(asset.body);
  }

  @Get('login')
  @PublicRoute()
  loginForm(@Query('next') next: string | undefined, @Res() reply: FastifyReply): void {
    send(reply, 200, loginPage(next !== undefined && PAGE_PATH.test(next) ? next : undefined));
  }

  @Post('login')
  @PublicRoute()
  login(@Body() form: LoginForm, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const result = this.session.login(form.token, request, reply);
    if (result === 'invalid') send(reply, 401, loginPage(form.next, 'That token is not valid.'));
    else if (result === 'forbidden')
      send(reply, 403, loginPage(form.next, 'The pages need a reader or admin token.'));
    else void reply.redirect(form.next ?? `${PAGES_PATH}/totals`, 303);
  }

  @Post('logout')
  @PublicRoute()
  logout(@Res() reply: FastifyReply): void {
    this.session.logout(reply);
    void reply.redirect(`${PAGES_PATH}/login`, 303);
  }

  @Get('totals')
  @PublicRoute()
  totals(
    @Query() query: TotalsPageQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.render(request, reply, () => this.pages.totals(query));
  }

  @Get('daily')
  @PublicRoute()
  daily(
    @Query() query: DailyPageQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.render(request, reply, () => this.pages.daily(query));
  }

  @Get('vm')
  @PublicRoute()
  vm(@Query() query: VmPageQuery, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.render(request, reply, () => this.pages.vm(query));
  }

  @Get('reports')
  @PublicRoute()
  reportList(
    @Query() query: ReportsPageQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.render(request, reply, () => this.pages.reportsPage(query));
  }

  /** A report's download for a logged-in person (the API's download takes a bearer token only). */
  @Get('reports/:name')
  @PublicRoute()
  async report(
    @Param() { name }: ReportNameParam,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!this.allowed(request, reply)) return;
    const file = await this.reports.file(name);
    void reply
      .header('Content-Disposition', `attachment; filename="${name}"`)
      .header('Content-Length', file.size)
      .header('X-Content-Type-Options', 'nosniff')
      .type(XLSX_TYPE)
      .send(createReadStream(file.path));
  }

  @Get('cluster')
  @PublicRoute()
  cluster(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.render(request, reply, () => this.pages.clusterPage());
  }

  /**
   * Checks who asks, builds the page, and answers it; a 4xx of the query service (an unknown
   * vCenter, hourly totals beyond their days) is shown on the page with its status.
   */
  private async render(
    request: FastifyRequest,
    reply: FastifyReply,
    build: () => Promise<PageContent & { status?: number }>,
  ): Promise<void> {
    const principal = this.allowed(request, reply);
    if (!principal) return;
    let page: PageContent & { status?: number };
    try {
      page = await build();
    } catch (error) {
      if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
      page = {
        title: 'Cannot show this',
        nav: '',
        body: html``,
        problem: error.message,
        status: error.getStatus(),
      };
    }
    send(reply, page.status ?? 200, layout(page, principal));
  }

  /** Who asks, when a reader or admin; otherwise answers the login page (or a redirect to it). */
  private allowed(request: FastifyRequest, reply: FastifyReply): Principal | undefined {
    const principal = this.session.identify(request);
    if (principal === 'missing') {
      void reply.redirect(`${PAGES_PATH}/login?next=${encodeURIComponent(request.url)}`, 303);
      return undefined;
    }
    if (principal === 'invalid') {
      void reply.header('WWW-Authenticate', 'Bearer');
      send(reply, 401, loginPage(undefined, 'The bearer token is not valid.'));
      return undefined;
    }
    if (principal === 'forbidden') {
      send(reply, 403, loginPage(undefined, 'The pages need a reader or admin token.'));
      return undefined;
    }
    return principal;
  }
}

function send(reply: FastifyReply, status: number, page: Html): void {
  void reply
    .code(status)
    .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'same-origin')
    .header('Cache-Control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page.text);
}
