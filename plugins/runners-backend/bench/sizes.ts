/** How big each benchmark runs: the full run (issue #16) and the CI smoke run. */
export const SIZES = {
  full: {
    p1: { sequential: 100, concurrent: 20 },
    fleet: {
      pools: 500,
      vmisPerPool: 20,
      createConcurrency: 8,
      vmiConcurrency: 48,
    },
    p2: {
      requests: 1000,
      concurrency: 16,
      baselineRequests: 40,
      // At 16 concurrent whole-cluster lists of 10,000 VMIs the API server timed out (504).
      baselineConcurrency: 4,
    },
    p3: { pools: 1000, setupConcurrency: 8 },
    p4: {
      warmupS: 30,
      churnS: 150,
      churnPerS: 10,
      samples: 6,
      kedaRps: 67,
      kedaS: 120,
      runners: 800,
      projects: 100,
    },
  },
  smoke: {
    p1: { sequential: 3, concurrent: 3 },
    fleet: {
      pools: 16,
      vmisPerPool: 4,
      createConcurrency: 4,
      vmiConcurrency: 16,
    },
    p2: {
      requests: 40,
      concurrency: 4,
      baselineRequests: 4,
      baselineConcurrency: 2,
    },
    p3: { pools: 8, setupConcurrency: 4 },
    p4: {
      warmupS: 2,
      churnS: 4,
      churnPerS: 2,
      samples: 2,
      kedaRps: 10,
      kedaS: 3,
      runners: 20,
      projects: 4,
    },
  },
};

export type Sizes = (typeof SIZES)['full'];
