// End-to-end tests start real servers and apps; give each test time for that.
jest.setTimeout(120_000);
