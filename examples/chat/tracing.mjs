// OpenTelemetry for the demo backend, set up the way HoneyHive's SDK sets
// itself up: a tracer provider with the default batch span processor in
// front of the OTLP/HTTP protobuf exporter pointed at
// `{server}/opentelemetry/v1/traces`, W3C trace-context + baggage
// propagation, and a span processor that copies the baggage's `session_id`
// onto every span as `honeyhive.session_id` (and the traceloop alias), as
// HoneyHive's span processor does. Nothing is registered globally, so
// several demo servers (tests) can live in one process.

import { propagation, trace, ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';

/** Copies the session from baggage onto each span when it starts. */
class SessionFromBaggage {
  /** @param {import('@opentelemetry/sdk-trace-base').Span} span @param {import('@opentelemetry/api').Context} parentContext */
  onStart(span, parentContext) {
    const sessionId = propagation.getBaggage(parentContext)?.getEntry('session_id')?.value;
    if (sessionId) {
      span.setAttribute('honeyhive.session_id', sessionId);
      span.setAttribute('traceloop.association.properties.session_id', sessionId);
    }
  }
  onEnd() {}
  async forceFlush() {}
  async shutdown() {}
}

/**
 * @param {{ serverUrl: string, apiKey: string, project: string, source: string,
 *   exportDelayMs?: number, log?: (line: string) => void }} options
 *   exportDelayMs: the batch processor's schedule delay; default the SDK's own (5000 ms)
 */
export function createTracing({ serverUrl, apiKey, project, source, exportDelayMs, log = () => {} }) {
  const exporter = new OTLPTraceExporter({
    url: `${serverUrl}/opentelemetry/v1/traces`,
    // The headers HoneyHive's SDK sends with its exports.
    headers: { authorization: `Bearer ${apiKey}`, 'x-project': project, 'x-source': source },
  });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'trace-feedback-demo' }),
    spanProcessors: [
      new SessionFromBaggage(),
      new BatchSpanProcessor(exporter, exportDelayMs === undefined ? {} : { scheduledDelayMillis: exportDelayMs }),
    ],
  });
  const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  const tracer = provider.getTracer('trace-feedback-demo');

  return {
    tracer,
    /** Context of an incoming request (its traceparent and baggage). @param {import('node:http').IncomingHttpHeaders} headers */
    extract: (headers) => propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
    /** The context with the session in baggage. @param {import('@opentelemetry/api').Context} ctx @param {string} sessionId */
    withSession(ctx, sessionId) {
      const bag = (propagation.getBaggage(ctx) ?? propagation.createBaggage()).setEntry('session_id', { value: sessionId });
      return propagation.setBaggage(ctx, bag);
    },
    /** @param {import('@opentelemetry/api').Context} ctx @param {import('@opentelemetry/api').Span} span */
    withSpan: (ctx, span) => trace.setSpan(ctx, span),
    /** Response headers (`traceparent`, `baggage`) for a context. @param {import('@opentelemetry/api').Context} ctx */
    headersFor(ctx) {
      /** @type {Record<string, string>} */
      const out = {};
      propagator.inject(ctx, out, defaultTextMapSetter);
      return out;
    },
    /** Exports every ended span now (tests; shutdown). */
    flush: () => provider.forceFlush().catch((err) => log(`tracing: flush failed: ${err}`)),
    shutdown: () => provider.shutdown().catch((err) => log(`tracing: shutdown failed: ${err}`)),
  };
}
