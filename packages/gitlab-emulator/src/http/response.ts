// What a route answers; its own module so that fault injection (imported by EmulatorCore)
// needs nothing from the router, which imports EmulatorCore.

/** What a route answers. JSON unless `contentType` says otherwise. */
export interface RouteResponse {
  status: number;
  /** Serialised with `JSON.stringify`, or sent as is with `contentType`. */
  body?: unknown;
  headers?: Record<string, string>;
  /** For non-JSON bodies: the body is sent as a string with this type. */
  contentType?: string;
}
