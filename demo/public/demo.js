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
          : (detail.action ?? detail.status ?? detail.applicationId ?? '');
    const item = document.createElement('li');
    item.dataset.type = type;
    item.dataset.widget = widget;
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
