/** Fast HTTP transport for the vendor SDKs (adapter-only; see `fast-fetch.ts`). */
export { ResponseBody } from './body.js';
export { createFastFetch, type FastFetch, type FastFetchOptions, type FetchLike } from './fast-fetch.js';
export { TransportResponse } from './response.js';
export { adapterTls, checkTransportTls, type TransportTlsOptions } from './tls.js';
