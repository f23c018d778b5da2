// Express with the trace-feedback proxy: the page posts feedback batches to
// /feedback on your own server, which holds the HoneyHive key.
//   HH_API_KEY=... FEEDBACK_SECRET=... node examples/express/server.mjs
import express from 'express';
import { createProxyHandler, mintFeedbackToken } from 'trace-feedback/server';

/** @param {{ apiKey: string, secret: string, serverUrl?: string }} config */
export function createApp(config) {
  const app = express();
  // Mounted before any body parser: the handler reads (and caps) the body itself.
  // After express.json() it reuses req.body instead.
  app.use(
    createProxyHandler({
      apiKey: config.apiKey,
      serverUrl: config.serverUrl,
      path: '/feedback',
      feedbackTokens: { secret: config.secret },
      rateLimit: { perMinute: 120 },
      trustProxy: 1, // behind one reverse proxy; 0 when Express faces the internet directly
    }),
  );
  // Your app mints a token for the session it renders (next to the trace it started).
  app.get('/session/:sessionId/token', (req, res) => {
    res.json({ token: mintFeedbackToken({ secret: config.secret, sessionId: req.params.sessionId, ttlSeconds: 3600 }) });
  });
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const apiKey = process.env.HH_API_KEY;
  const secret = process.env.FEEDBACK_SECRET;
  if (!apiKey || !secret) throw new Error('set HH_API_KEY and FEEDBACK_SECRET (at least 32 bytes)');
  const port = Number(process.env.PORT ?? 3000);
  createApp({ apiKey, secret, serverUrl: process.env.HH_SERVER_URL }).listen(port, () => console.log(`feedback proxy on http://localhost:${port}/feedback`));
}
