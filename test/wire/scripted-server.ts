/**
 * The adapter kit's scripted server, with vitest hooks: {@link ScriptedServer.forTests} gives a
 * server started before a file's tests, reset after each and closed after them all.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ScriptedServer as KitScriptedServer } from '../../modules/adapter-kit/conformance/scripted-server.js';

export {
  hang,
  json,
  type RecordedRequest,
  type Responder,
  raw,
  resetConnection as reset,
  type SseOptions,
  sse,
} from '../../modules/adapter-kit/conformance/scripted-server.js';

export class ScriptedServer extends KitScriptedServer {
  /** A server for the tests of one file (registers the vitest hooks). */
  static forTests(): ScriptedServer {
    const server = new ScriptedServer();
    beforeAll(() => server.listen());
    afterEach(() => server.reset());
    afterAll(() => server.close());
    return server;
  }
}
