import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The first render of a suite loads material-table, recharts and the test app; on a busy
// machine that alone can take seconds (a full CI run on two cores has missed `findBy…`'s
// default 1 s there). `findBy…`/`waitFor` return as soon as the UI shows what they wait for,
// so a longer limit only slows a test that fails.
jest.setTimeout(30000);
configure({ asyncUtilTimeout: 5000 });
