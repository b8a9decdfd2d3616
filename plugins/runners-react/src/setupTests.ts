import '@testing-library/jest-dom';

// The first render of a suite loads material-table, recharts and the test app; on a busy
// machine that alone can take seconds. Assertions still wait at most 1 s for the UI.
jest.setTimeout(20000);
