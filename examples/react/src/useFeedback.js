// useFeedback: the trace-feedback client for React components. The client
// is created once per page (StrictMode's double mount and every component
// share it) and every call waits for it, so a click or a response that
// arrives while the wasm is still loading is not lost.

import { useEffect, useMemo, useState } from 'react';
import { init } from 'trace-feedback';

/** @type {Promise<any> | undefined} */
let shared;

/** @param {object} options passed to init() the first time only */
function clientOnce(options) {
  shared ??= init(options).then((client) => {
    // Implicit signals (copying a selection inside an answer) need the
    // document wired once; the buttons below use the programmatic API.
    client.attach(document);
    return client;
  });
  return shared;
}

/**
 * @param {{ endpoint?: string }} [options]
 * @returns {{ client: any, error: unknown,
 *   link: (res: Response) => Promise<string | undefined>,
 *   rate: (eventId: string, up: boolean) => Promise<void>,
 *   copy: (eventId: string, text: string) => Promise<void> }}
 */
export function useFeedback(options = { endpoint: '/feedback' }) {
  const [client, setClient] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let live = true;
    clientOnce(options).then((c) => { if (live) setClient(c); }, (e) => { if (live) setError(e); });
    return () => { live = false; };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- options are read once

  return useMemo(() => ({
    client,
    error,
    /** Links the client to the backend's trace (the session id in `baggage`). */
    link: (res) => clientOnce(options).then((c) => c.linkFromResponse(res)),
    /** Thumb up/down on the answer's span; the same thumb again withdraws it. */
    rate: (eventId, up) => clientOnce(options).then((c) => { c.rate(eventId, up); }),
    /** Writes the answer to the clipboard, then records actions.copied. */
    copy: async (eventId, text) => {
      await navigator.clipboard.writeText(text);
      (await clientOnce(options)).action(eventId, 'copy');
    },
  }), [client, error]); // eslint-disable-line react-hooks/exhaustive-deps
}
