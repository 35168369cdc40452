// Match screen: drop files (or choose them) and post them to this node only, with the antiforgery token and the
// justification in headers, so the server can hash each part in memory without buffering the form. The answer is
// server-rendered HTML placed in the results region.
(() => {
  const form = document.getElementById('files-form');
  const zone = document.getElementById('dropzone');
  const input = document.getElementById('files');
  const results = document.getElementById('results');
  const justification = document.getElementById('justification');
  if (!form || !zone || !input || !results) return;

  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (e) => { e.preventDefault(); zone.classList.add('over'); });
  }
  for (const type of ['dragleave', 'drop']) {
    zone.addEventListener(type, () => zone.classList.remove('over'));
  }
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    if (e.dataTransfer?.files?.length) { input.files = e.dataTransfer.files; send(); }
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); send(); });

  async function send() {
    if (!justification.reportValidity()) return;
    if (!input.files.length) { input.focus(); return; }
    const body = new FormData();
    for (const file of input.files) body.append('files', file, file.name);
    results.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch(form.dataset.action, {
        method: 'POST',
        body,
        credentials: 'same-origin',
        headers: {
          'X-CSRF-TOKEN': document.querySelector('meta[name="csrf-token"]').content,
          'X-Justification': encodeURIComponent(justification.value),
        },
      });
      results.innerHTML = await response.text();
    } finally {
      results.removeAttribute('aria-busy');
      results.querySelector('h2, .error')?.setAttribute('tabindex', '-1');
      results.querySelector('h2, .error')?.focus();
    }
  }
})();
