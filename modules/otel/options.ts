import type { Meter, Tracer } from '@opentelemetry/api';
import { SwitchyardError } from '../../src/index.js';

/** Options of {@link otelMiddleware}. */
export interface OtelOptions {
  /** Tracer for the spans. @default `trace.getTracer('switchyard-llm')` (the global provider) */
  readonly tracer?: Tracer;
  /** Meter for the GenAI client metrics. @default `metrics.getMeter('switchyard-llm')` (the global provider) */
  readonly meter?: Meter;
  /**
   * Put the prompt and the answer on the call span, as JSON (`gen_ai.input.messages`,
   * `gen_ai.output.messages`), secrets redacted. Prompts may hold personal data. @default false
   */
  readonly recordContent?: boolean;
  /**
   * Add a W3C `traceparent` (and `tracestate`) for the attempt span to each adapter request's
   * `headers`, through the global propagator, or a built-in W3C one when the global
   * propagator sets none. @default false
   */
  readonly propagateTraceContext?: boolean;
  /**
   * Name for `switchyard.strategy` when the request names none (the middleware does not see the
   * router's default strategy). @default the attribute is left out
   */
  readonly strategy?: string;
  /** Told when recording a span attribute or a metric fails; the call goes on. @default ignore */
  readonly onError?: (error: unknown) => void;
}

/** The option names {@link checkOptions} accepts. */
const OPTION_KEYS = new Set([
  'tracer',
  'meter',
  'recordContent',
  'propagateTraceContext',
  'strategy',
  'onError',
]);

/**
 * Checks the options of {@link otelMiddleware}.
 *
 * @throws {SwitchyardError} `config` when an option is unknown or of the wrong type (the
 * message names it).
 */
export function checkOptions(options: OtelOptions): void {
  const fail = (field: string, expected: string): never => {
    throw new SwitchyardError('config', `otelMiddleware: ${field}: expected ${expected}`);
  };
  if (typeof options !== 'object' || options === null) fail('options', 'an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new SwitchyardError(
        'config',
        `otelMiddleware: ${key}: unknown option (known: ${[...OPTION_KEYS].join(', ')})`,
      );
    }
  }
  const { tracer, meter, recordContent, propagateTraceContext, strategy, onError } = options;
  if (tracer !== undefined && typeof (tracer as Partial<Tracer>).startSpan !== 'function') {
    fail('tracer', 'an OpenTelemetry Tracer (with startSpan)');
  }
  if (meter !== undefined && typeof (meter as Partial<Meter>).createHistogram !== 'function') {
    fail('meter', 'an OpenTelemetry Meter (with createHistogram)');
  }
  if (recordContent !== undefined && typeof recordContent !== 'boolean') fail('recordContent', 'a boolean');
  if (propagateTraceContext !== undefined && typeof propagateTraceContext !== 'boolean') {
    fail('propagateTraceContext', 'a boolean');
  }
  if (strategy !== undefined && (typeof strategy !== 'string' || strategy === '')) {
    fail('strategy', 'a non-empty string');
  }
  if (onError !== undefined && typeof onError !== 'function') fail('onError', 'a function');
}
