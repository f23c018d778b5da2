// A Vue 3 app using <feedback-bar> from trace-feedback/element. The event
// id and session would come from your chat API; here from the URL.
import { createApp } from 'vue';
import { configureFeedbackBar } from 'trace-feedback/element';
import App from './App.vue';

const q = new URLSearchParams(location.search);
const feedback = configureFeedbackBar({
  endpoint: '/feedback',
  namespace: `vue-${q.get('event') ?? 'demo'}`,
  onError: (e) => (window.feedbackErrors ??= []).push(e.code),
});
if (q.get('session')) feedback.setSession(q.get('session'));

createApp(App, { eventId: q.get('event') ?? '6f9619ff-8b86-4d11-b42d-00c04fc964ff' }).mount('#app');
