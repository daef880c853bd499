/**
 * A request the OpenAI wire format rejects. Thrown by the wire mapping (no HTTP in it); the gateway
 * answers it with a 400 and OpenAI's error JSON, `param` naming the offending field.
 */
export class WireError extends Error {
  override readonly name = 'WireError';
  /** The offending field, as a JSON path (`messages[2].content`), when there is one. */
  readonly param: string | null;
  /** OpenAI-style error code (`invalid_value`, `missing_required_parameter`, …). */
  readonly code: string;

  constructor(message: string, param: string | null, code = 'invalid_value') {
    super(message);
    this.param = param;
    this.code = code;
  }
}
