import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, type ErrorKind, SwitchyardError } from '../../index.js';
import { answerForError } from './errors.js';
import { WireError } from './wire-error.js';

const EXPECTED: Record<string, [status: number, type: string, retryAfter?: number]> = {
  rate_limited: [429, 'rate_limit_error', 3],
  budget_exceeded: [429, 'insufficient_quota', 3],
  timeout: [504, 'timeout_error'],
  server: [502, 'upstream_error'],
  connection: [502, 'upstream_error'],
  auth: [502, 'upstream_error'],
  invalid_request: [400, 'invalid_request_error'],
  not_found: [404, 'invalid_request_error'],
  aborted: [499, 'aborted'],
  stream_interrupted: [502, 'upstream_error'],
  no_target: [503, 'service_unavailable', 2],
  config: [500, 'server_error'],
};

describe('answerForError', () => {
  it.each([...ERROR_KINDS, 'budget_exceeded'])('maps the kind %s', (kind) => {
    const expected = EXPECTED[kind];
    expect(expected, `no expectation for kind ${kind}`).toBeDefined();
    const error = new SwitchyardError(kind as ErrorKind, `${kind} happened`, {
      retryAfterMs: 2_100,
      nextAvailableAt: 11_500,
    });
    const answer = answerForError(error, 10_000);
    expect(answer.status).toBe(expected![0]);
    expect(answer.body.error.type).toBe(expected![1]);
    expect(answer.retryAfterSeconds).toBe(expected![2]);
    if (kind === 'config') expect(answer.body.error.message).not.toContain('happened');
    else expect(answer.body.error.message).toBe(`${kind} happened`);
  });

  it('gives 429s a retry-after even when the upstream sent none; flags a context overflow', () => {
    expect(answerForError(new SwitchyardError('rate_limited', 'x'), 0).retryAfterSeconds).toBe(1);
    expect(
      answerForError(new SwitchyardError('invalid_request', 'too long', { contextOverflow: true }), 0).body
        .error.code,
    ).toBe('context_length_exceeded');
  });

  it('maps a wire error to a 400 with its param; anything else to a generic 500 without its message', () => {
    expect(answerForError(new WireError("Invalid 'x': no.", 'x'), 0)).toEqual({
      status: 400,
      body: {
        error: {
          message: "Invalid 'x': no.",
          type: 'invalid_request_error',
          param: 'x',
          code: 'invalid_value',
        },
      },
    });
    const unexpected = answerForError(new TypeError('secret internals at /srv/app.js:1'), 0);
    expect(unexpected.status).toBe(500);
    expect(JSON.stringify(unexpected)).not.toContain('secret');
  });
});
