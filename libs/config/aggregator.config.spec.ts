import { AggregatorConfig } from './aggregator.config';
import { ConfigError, loadConfig } from './config-loader';

describe('AggregatorConfig', () => {
  it('has schedules and retention that work without configuration', () => {
    const config = loadConfig(AggregatorConfig, { env: {} });
    expect(config.schedule).toMatchObject({
      enabled: true,
      dailyCron: '30 0 * * *',
      monthlyCron: '0 2 1 * *',
    });
    expect(config.retention).toMatchObject({ hourlyDays: 60, dailyMonths: 12, eventDays: 90 });
  });

  it('refuses a cron expression that the scheduler cannot read, naming the key', () => {
    let problems: string[] = [];
    try {
      loadConfig(AggregatorConfig, {
        env: { VCC_SCHEDULE_DAILY_CRON: 'every night', VCC_SCHEDULE_MONTHLY_CRON: '0 2 32 * *' },
      });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      'schedule.dailyCron: must be a cron expression, e.g. "30 0 * * *" (minute hour day month weekday); got "every night" from VCC_SCHEDULE_DAILY_CRON',
      'schedule.monthlyCron: must be a cron expression, e.g. "30 0 * * *" (minute hour day month weekday); got "0 2 32 * *" from VCC_SCHEDULE_MONTHLY_CRON',
    ]);
  });

  it('keeps reports in ./data/reports by count and age, and refuses a keep of none', () => {
    expect(loadConfig(AggregatorConfig, { env: {} }).reports).toMatchObject({
      dir: './data/reports',
      afterJobs: true,
      keep: 500,
      maxAgeDays: 400,
    });
    let problems: string[] = [];
    try {
      loadConfig(AggregatorConfig, { env: { VCC_REPORTS_KEEP: '0', VCC_REPORTS_DIR: '' } });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^reports\.dir: .*from VCC_REPORTS_DIR$/),
      expect.stringMatching(/^reports\.keep: .*1.*from VCC_REPORTS_KEEP$/),
    ]);
  });

  it('refuses a short session secret without printing it, and a controller URL that is not http(s)', () => {
    let problems: string[] = [];
    try {
      loadConfig(AggregatorConfig, {
        env: { VCC_PAGES_SESSION_SECRET: 'short-secret', VCC_PAGES_CONTROLLER_URL: 'ftp://controller' },
      });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toContain('short-secret');
    expect(problems.find((problem) => problem.startsWith('pages.sessionSecret:'))).toContain('at least 32');
    expect(problems.find((problem) => problem.startsWith('pages.controllerUrl:'))).toBeDefined();
  });
});
