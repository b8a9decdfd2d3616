/*
 * Entry point for Jest's `globalSetup` option. Jest loads it by path; Backstage allows only
 * one-level script entry points in `exports`, so the nested mount point is this CommonJS shim.
 */
module.exports = require('./globalSetup').default;
