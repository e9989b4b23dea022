// The demo shop's own script: it listens to the widgets as any partner page would, and lets the
// visitor switch language and appearance on the provider. Served as a file: the page's CSP allows
// no inline script.
const log = document.getElementById('events');
const provider = document.getElementById('provider');

for (const type of ['tessera-ready', 'tessera-change', 'tessera-success', 'tessera-error']) {
  document.addEventListener(type, (event) => {
    const widget = event.target.localName;
    const detail = event.detail ?? {};
    const summary =
      type === 'tessera-error'
        ? `${detail.code}: ${detail.message}`
        : type === 'tessera-change'
          ? `${detail.previous} → ${detail.status}`
          : type === 'tessera-success'
            ? `${detail.action} ${detail.event_id ?? ''}`
            : (detail.action ?? detail.status ?? detail.applicationId ?? '');
    const item = document.createElement('li');
    item.dataset.type = type;
    item.dataset.widget = widget;
    if (detail.event_id) item.dataset.eventId = detail.event_id;
    item.textContent = `${widget} ${type} ${summary}`;
    log.prepend(item);
  });
}

document.getElementById('locale').addEventListener('change', (event) => {
  provider.setAttribute('locale', event.target.value);
  document.documentElement.lang = event.target.value;
});
document.getElementById('appearance').addEventListener('change', (event) => {
  provider.setAttribute('appearance', event.target.value);
});

// The shop backend's webhook deliveries, polled from its own origin (the CSP allows nothing else).
const backend = document.getElementById('backend');
let shown = '';
async function refreshBackend() {
  const response = await window
    .fetch('/api/backend-heard', { cache: 'no-store' })
    .catch(() => null);
  if (response?.ok) {
    const { deliveries } = await response.json();
    const key = deliveries.map((d) => `${d.webhook_id}${d.verified}`).join();
    if (key !== shown) {
      shown = key;
      backend.replaceChildren(
        ...deliveries.map((delivery) => {
          const item = document.createElement('li');
          item.dataset.type = delivery.type;
          item.dataset.webhookId = delivery.webhook_id;
          item.dataset.verified = String(delivery.verified);
          const time = new Date(delivery.received_at).toLocaleTimeString();
          const check = delivery.verified ? 'verified ✓' : `not verified ✗ (${delivery.reason})`;
          item.textContent = `${time} ${delivery.type} ${delivery.webhook_id} ${check}`;
          return item;
        }),
      );
    }
  }
  window.setTimeout(refreshBackend, 1000);
}
void refreshBackend();
